/**
 * The messages service's event handlers, fed by its own queue (filter policy: user.renamed,
 * topic.created, topic.deleted) and run in the service's own process (see server.ts).
 * Each is idempotent: delivering an event twice leaves the same state as once.
 */
import { createEventConsumer, type EventConsumer, type EventHandlers } from '@agora/runtime/consumer';
import type { EventPublisher } from '@agora/runtime/events';
import type { ServiceContext } from '@agora/runtime/run-service';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import type { MessagesConfig } from './config.ts';
import { createMessagesRepo, epoch, type MessagesRepo } from './messages-repo.ts';

export function messagesEventHandlers(messages: MessagesRepo, events: EventPublisher): EventHandlers {
  return {
    'user.renamed': async (event) => {
      await messages.rename(event.userId, event.displayName, event.renamedAt);
    },
    'topic.created': async (event) => {
      await messages.recordTopicCreated(event.topicId, event.createdAt);
      if (!event.firstMessage) return;
      const known = await messages.authorName(event.authorId);
      const outcome = await messages.post({
        messageId: event.firstMessage.messageId,
        topicId: event.topicId,
        authorId: event.authorId,
        authorName: known?.displayName ?? event.authorName,
        authorNameAt: known?.renamedAt ?? epoch,
        body: event.firstMessage.body,
        createdAt: event.createdAt,
      });
      // Published again on a duplicate too: the first delivery may have died before publishing,
      // and the topics service counts each message once however often it hears of it.
      if (outcome !== 'no-topic') {
        await events.publish('message.posted', {
          topicId: event.topicId,
          messageId: event.firstMessage.messageId,
          authorId: event.authorId,
          createdAt: event.createdAt,
        });
      }
    },
    'topic.deleted': async (event) => {
      await messages.deleteTopic(event.topicId, event.deletedAt);
    },
  };
}

export interface MessagesConsumerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly messages: MessagesRepo;
  readonly events: EventPublisher;
  readonly logger: Logger;
  readonly waitTimeSeconds?: number;
}

export function createMessagesConsumer(options: MessagesConsumerOptions): EventConsumer {
  return createEventConsumer({
    sqs: options.sqs,
    queueUrl: options.queueUrl,
    handlers: messagesEventHandlers(options.messages, options.events),
    logger: options.logger.child({ consumer: 'messages-events' }),
    ...(options.waitTimeSeconds !== undefined ? { waitTimeSeconds: options.waitTimeSeconds } : {}),
  });
}

/** The consumer as a process runs it (the service or the monolith): its queue and table from config. */
export function messagesConsumerOf(
  context: ServiceContext<Pick<MessagesConfig, 'MESSAGES_EVENTS_QUEUE_URL' | 'MESSAGES_TABLE'>>,
  events: EventPublisher,
): EventConsumer {
  const { config, aws, logger } = context;
  return createMessagesConsumer({
    sqs: aws.sqs,
    queueUrl: config.MESSAGES_EVENTS_QUEUE_URL,
    messages: createMessagesRepo(aws.documents, config.MESSAGES_TABLE),
    events,
    logger,
  });
}
