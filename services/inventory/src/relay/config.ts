import { httpServiceConfig } from '@agora/runtime/config';
import { type Static, Type } from 'typebox';

export const stockRelayConfigSchema = Type.Object({
  /** PORT is the health endpoint's port (the relay serves nothing else) */
  PORT: httpServiceConfig.PORT,
  HOST: httpServiceConfig.HOST,
  LOG_LEVEL: httpServiceConfig.LOG_LEVEL,
  AWS_REGION: httpServiceConfig.AWS_REGION,
  AWS_ENDPOINT_URL: httpServiceConfig.AWS_ENDPOINT_URL,
  INVENTORY_TABLE: Type.String({ minLength: 3 }),
  STOCK_CHANGES_TOPIC_ARN: Type.String({ pattern: '^arn:' }),
  /** pause between two reads of a shard that had nothing new */
  STREAM_POLL_MS: Type.Integer({ minimum: 50, maximum: 10_000, default: 500 }),
  /** /health turns 503 when no read of the stream succeeded for this long */
  HEALTH_MAX_SILENCE_SECONDS: Type.Integer({ minimum: 1, default: 90 }),
});

export type StockRelayConfig = Static<typeof stockRelayConfigSchema>;
