/**
 * The topics service's event handlers: message.posted / message.deleted keep each topic's
 * messageCount and lastActivityAt. They run in the service's own process, fed by its own queue
 * (see server.ts); each is idempotent (the repo counts an event once).
 */
import { createEventConsumer, type EventConsumer, type EventHandlers } from '@agora/runtime/consumer';
import type { EventPublisher } from '@agora/runtime/events';
import type { ServiceContext } from '@agora/runtime/run-service';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import type { TopicsConfig } from './config.ts';
import { createForumLiveFeed, topicView } from './live.ts';
import { createTopicsRepo, type TopicsRepo } from './topics-repo.ts';

/**
 * After a count (also a duplicate's: the first delivery may have failed before it announced), the
 * topic as it now is goes out as topic.updated for the live feeds; a failure to publish retries the
 * event, whose count is then a duplicate. One topics task handles each event, so it is announced once.
 */
export function topicsEventHandlers(topics: TopicsRepo, events: EventPublisher): EventHandlers {
  const announce = async (outcome: string, topicId: string) => {
    if (outcome === 'no-topic') return;
    const topic = await topics.findById(topicId, { consistent: true });
    if (topic) await events.publish('topic.updated', topicView(topic));
  };
  return {
    'message.posted': async (event) => {
      await announce(await topics.countMessageEvent('posted', { ...event, at: event.createdAt }), event.topicId);
    },
    'message.deleted': async (event) => {
      await announce(await topics.countMessageEvent('deleted', { ...event, at: event.deletedAt }), event.topicId);
    },
  };
}

export interface TopicsConsumerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly topics: TopicsRepo;
  readonly events: EventPublisher;
  readonly logger: Logger;
  readonly waitTimeSeconds?: number;
}

export function createTopicsConsumer(options: TopicsConsumerOptions): EventConsumer {
  return createEventConsumer({
    sqs: options.sqs,
    queueUrl: options.queueUrl,
    handlers: topicsEventHandlers(options.topics, options.events),
    logger: options.logger.child({ consumer: 'topics-events' }),
    ...(options.waitTimeSeconds !== undefined ? { waitTimeSeconds: options.waitTimeSeconds } : {}),
  });
}

/** The consumer as a process runs it (the service or the monolith): its queue and table from config. */
export function topicsConsumerOf(
  context: ServiceContext<Pick<TopicsConfig, 'TOPICS_EVENTS_QUEUE_URL' | 'TOPICS_TABLE'>>,
  events: EventPublisher,
): EventConsumer {
  const { config, aws, logger } = context;
  return createTopicsConsumer({
    sqs: aws.sqs,
    queueUrl: config.TOPICS_EVENTS_QUEUE_URL,
    topics: createTopicsRepo(aws.documents, config.TOPICS_TABLE),
    events,
    logger,
  });
}

/** This task's live feed as a process runs it: its queue prefix and the forum events topic from config. */
export function topicsLiveFeedOf(
  context: ServiceContext<Pick<TopicsConfig, 'TOPICS_LIVE_QUEUE_PREFIX' | 'FORUM_EVENTS_TOPIC_ARN'>>,
) {
  const { config, aws, logger } = context;
  return createForumLiveFeed({
    sqs: aws.sqs,
    sns: aws.sns,
    logger,
    topicArn: config.FORUM_EVENTS_TOPIC_ARN,
    queuePrefix: config.TOPICS_LIVE_QUEUE_PREFIX,
  });
}
