/**
 * Starts the topics service: config, AWS clients, the app, and its event consumer in the same
 * process (started after the server listens, stopped on SIGTERM before the clients close).
 */
import { createAwsClients, createLogger, loadConfigOrExit, serve, snsEventPublisher } from '@agora/platform';
import { buildApp } from './app.ts';
import { topicsConfigSchema } from './config.ts';
import { createTopicsConsumer } from './events.ts';
import { createTopicsRepo } from './topics-repo.ts';

const config = loadConfigOrExit(topicsConfigSchema);
const logger = createLogger({ level: config.LOG_LEVEL, service: 'topics' });
const aws = createAwsClients(config, logger);
const app = await buildApp({
  config,
  logger,
  dynamo: aws.dynamo,
  documents: aws.documents,
  events: snsEventPublisher(aws.sns, config.FORUM_EVENTS_TOPIC_ARN),
});
const consumer = createTopicsConsumer({
  sqs: aws.sqs,
  queueUrl: config.TOPICS_EVENTS_QUEUE_URL,
  topics: createTopicsRepo(aws.documents, config.TOPICS_TABLE),
  logger,
});
await serve(app, {
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onClose: async () => {
    await consumer.stop();
    aws.destroy();
  },
});
consumer.start();
