/**
 * The topics service's event handlers: message.posted / message.deleted keep each topic's
 * messageCount and lastActivityAt. They run in the service's own process, fed by its own queue
 * (see server.ts); each is idempotent (the repo counts an event once).
 */
import { createEventConsumer, type EventConsumer, type EventHandlers } from '@agora/platform';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import type { TopicsRepo } from './topics-repo.ts';

export function topicsEventHandlers(topics: TopicsRepo): EventHandlers {
  return {
    'message.posted': async (event) => {
      await topics.countMessageEvent('posted', { ...event, at: event.createdAt });
    },
    'message.deleted': async (event) => {
      await topics.countMessageEvent('deleted', { ...event, at: event.deletedAt });
    },
  };
}

export interface TopicsConsumerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly topics: TopicsRepo;
  readonly logger: Logger;
  readonly waitTimeSeconds?: number;
}

export function createTopicsConsumer(options: TopicsConsumerOptions): EventConsumer {
  return createEventConsumer({
    sqs: options.sqs,
    queueUrl: options.queueUrl,
    handlers: topicsEventHandlers(options.topics),
    logger: options.logger.child({ consumer: 'topics-events' }),
    ...(options.waitTimeSeconds !== undefined ? { waitTimeSeconds: options.waitTimeSeconds } : {}),
  });
}
