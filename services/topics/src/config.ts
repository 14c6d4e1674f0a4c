import { httpServiceConfig, tokenVerificationConfig } from '@agora/runtime/config';
import { type Static, Type } from 'typebox';

export const topicsConfigSchema = Type.Object({
  ...httpServiceConfig,
  ...tokenVerificationConfig,
  TOPICS_TABLE: Type.String({ minLength: 3 }),
  FORUM_EVENTS_TOPIC_ARN: Type.String({ pattern: '^arn:' }),
  TOPICS_EVENTS_QUEUE_URL: Type.String({ pattern: '^https?://' }),
  /** each task's own live-feed queue is `<prefix>-<random>` (GET /api/topics/live) */
  TOPICS_LIVE_QUEUE_PREFIX: Type.String({ minLength: 3, maxLength: 60, pattern: '^[A-Za-z0-9_-]+$' }),
});

export type TopicsConfig = Static<typeof topicsConfigSchema>;
