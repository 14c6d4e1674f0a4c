/**
 * The topics service's event handlers: message.posted / message.deleted keep each topic's
 * messageCount and lastActivityAt. They run in the service's own process, fed by its own queue
 * (see server.ts); each is idempotent (the repo counts an event once).
 */
import { createEventConsumer, type EventConsumer, type EventHandlers } from '@agora/runtime/consumer';
import type { ServiceContext } from '@agora/runtime/run-service';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import type { TopicsConfig } from './config.ts';
import { createTopicsRepo, type TopicsRepo } from './topics-repo.ts';

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

/** The consumer as a process runs it (the service or the monolith): its queue and table from config. */
export function topicsConsumerOf(
  context: ServiceContext<Pick<TopicsConfig, 'TOPICS_EVENTS_QUEUE_URL' | 'TOPICS_TABLE'>>,
): EventConsumer {
  const { config, aws, logger } = context;
  return createTopicsConsumer({
    sqs: aws.sqs,
    queueUrl: config.TOPICS_EVENTS_QUEUE_URL,
    topics: createTopicsRepo(aws.documents, config.TOPICS_TABLE),
    logger,
  });
}
