import { httpServiceConfig, tokenVerificationConfig } from '@agora/runtime/config';
import { type Static, Type } from 'typebox';

export const messagesConfigSchema = Type.Object({
  ...httpServiceConfig,
  ...tokenVerificationConfig,
  MESSAGES_TABLE: Type.String({ minLength: 3 }),
  FORUM_EVENTS_TOPIC_ARN: Type.String({ pattern: '^arn:' }),
  MESSAGES_EVENTS_QUEUE_URL: Type.String({ pattern: '^https?://' }),
});

export type MessagesConfig = Static<typeof messagesConfigSchema>;
