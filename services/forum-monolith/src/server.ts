/**
 * Starts the forum monolith: one process, one port, the three services' routes and both event
 * consumers (stopped on SIGTERM before the clients close).
 */
import { createMessagesConsumer } from '@agora/messages/events';
import { createMessagesRepo } from '@agora/messages/messages-repo';
import { runService, snsEventPublisher } from '@agora/platform';
import { createTopicsConsumer } from '@agora/topics/events';
import { createTopicsRepo } from '@agora/topics/topics-repo';
import { buildMonolith } from './app.ts';
import { monolithConfigSchema } from './config.ts';

await runService({
  name: 'forum',
  configSchema: monolithConfigSchema,
  wire: async ({ config, logger, aws }) => {
    const events = snsEventPublisher(aws.sns, config.FORUM_EVENTS_TOPIC_ARN);
    return {
      app: await buildMonolith({ config, logger, dynamo: aws.dynamo, documents: aws.documents, events }),
      consumers: [
        createTopicsConsumer({
          sqs: aws.sqs,
          queueUrl: config.TOPICS_EVENTS_QUEUE_URL,
          topics: createTopicsRepo(aws.documents, config.TOPICS_TABLE),
          logger,
        }),
        createMessagesConsumer({
          sqs: aws.sqs,
          queueUrl: config.MESSAGES_EVENTS_QUEUE_URL,
          messages: createMessagesRepo(aws.documents, config.MESSAGES_TABLE),
          events,
          logger,
        }),
      ],
    };
  },
});
