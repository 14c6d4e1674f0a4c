import { httpServiceConfig, tokenVerificationConfig } from '@agora/runtime/config';
import { type Static, Type } from 'typebox';

export const inventoryConfigSchema = Type.Object({
  ...httpServiceConfig,
  ...tokenVerificationConfig,
  INVENTORY_TABLE: Type.String({ minLength: 3 }),
  UPLOADS_TABLE: Type.String({ minLength: 3 }),
  UPLOADS_BUCKET: Type.String({ minLength: 3 }),
  /** The largest CSV file the upload route takes (streamed, never held whole). */
  UPLOAD_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 100 * 1024 * 1024 }),
});

export type InventoryConfig = Static<typeof inventoryConfigSchema>;
