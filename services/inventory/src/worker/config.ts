import { httpServiceConfig } from '@agora/runtime/config';
import { type Static, Type } from 'typebox';

export const workerConfigSchema = Type.Object({
  /** PORT is the health endpoint's port (the worker serves nothing else) */
  PORT: httpServiceConfig.PORT,
  HOST: httpServiceConfig.HOST,
  LOG_LEVEL: httpServiceConfig.LOG_LEVEL,
  AWS_REGION: httpServiceConfig.AWS_REGION,
  AWS_ENDPOINT_URL: httpServiceConfig.AWS_ENDPOINT_URL,
  FILES_QUEUE_URL: Type.String({ pattern: '^https?://' }),
  INVENTORY_TABLE: Type.String({ minLength: 3 }),
  UPLOADS_TABLE: Type.String({ minLength: 3 }),
  STOCK_ALERTS_TOPIC_ARN: Type.String({ pattern: '^arn:' }),
  /** Long-poll wait (SQS allows at most 20 s). */
  POLL_WAIT_SECONDS: Type.Integer({ minimum: 0, maximum: 20, default: 20 }),
  /** How long a received message stays invisible, and a file's lease lasts, between heartbeats. */
  VISIBILITY_SECONDS: Type.Integer({ minimum: 3, maximum: 43200, default: 60 }),
  /** A failing message comes back after base × 2^(receives − 1) seconds (at most 15 minutes). */
  RETRY_BASE_SECONDS: Type.Integer({ minimum: 0, maximum: 900, default: 10 }),
  /** On SIGTERM, how long the current file may take to finish before it is handed back. */
  DRAIN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 60000 }),
  /** /health turns 503 when neither a receive nor a heartbeat succeeded for this long. */
  HEALTH_MAX_SILENCE_SECONDS: Type.Integer({ minimum: 1, default: 90 }),
  /** BatchWriteItem requests in flight at once. */
  WRITE_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 16, default: 4 }),
  /** Set by ECS on Fargate: the agent's endpoint, used for task scale-in protection. */
  ECS_AGENT_URI: Type.Optional(Type.String({ pattern: '^https?://' })),
});

export type WorkerConfig = Static<typeof workerConfigSchema>;

/** The same schema under the name the catalogue's `inventory-worker` service is found by (config-schemas.ts). */
export { workerConfigSchema as inventoryWorkerConfigSchema };
