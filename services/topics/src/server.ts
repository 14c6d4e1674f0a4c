/**
 * Starts the topics service: config, AWS clients, the app, and its event consumer in the same
 * process (started after the server listens, stopped on SIGTERM before the clients close).
 */
import { runService, snsEventPublisher } from '@agora/platform';
import { buildApp } from './app.ts';
import { topicsConfigSchema } from './config.ts';
import { createTopicsConsumer } from './events.ts';
import { createTopicsRepo } from './topics-repo.ts';

await runService({
  name: 'topics',
  configSchema: topicsConfigSchema,
  wire: async ({ config, logger, aws }) => ({
    app: await buildApp({
      config,
      logger,
      dynamo: aws.dynamo,
      documents: aws.documents,
      events: snsEventPublisher(aws.sns, config.FORUM_EVENTS_TOPIC_ARN),
    }),
    consumers: [
      createTopicsConsumer({
        sqs: aws.sqs,
        queueUrl: config.TOPICS_EVENTS_QUEUE_URL,
        topics: createTopicsRepo(aws.documents, config.TOPICS_TABLE),
        logger,
      }),
    ],
  }),
});
