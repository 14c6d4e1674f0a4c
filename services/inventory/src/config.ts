import { httpServiceConfig, tokenVerificationConfig } from '@agora/runtime/config';
import { type Static, Type } from 'typebox';

export const inventoryConfigSchema = Type.Object({
  ...httpServiceConfig,
  ...tokenVerificationConfig,
  INVENTORY_TABLE: Type.String({ minLength: 3 }),
  UPLOADS_TABLE: Type.String({ minLength: 3 }),
  UPLOADS_BUCKET: Type.String({ minLength: 3 }),
  /** the live feed: the stock relay's topic, and the name prefix of each task's own queue on it */
  STOCK_CHANGES_TOPIC_ARN: Type.String({ pattern: '^arn:' }),
  INVENTORY_LIVE_QUEUE_PREFIX: Type.String({ minLength: 3, maxLength: 60, pattern: '^[A-Za-z0-9_-]+$' }),
  /** The largest CSV file the upload route takes (streamed, never held whole). */
  UPLOAD_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 100 * 1024 * 1024 }),
});

export type InventoryConfig = Static<typeof inventoryConfigSchema>;
