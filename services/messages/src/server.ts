/**
 * Starts the messages service: config, AWS clients, the app, and its event consumer in the same
 * process (started after the server listens, stopped on SIGTERM before the clients close).
 */
import { createAwsClients, createLogger, loadConfigOrExit, serve, snsEventPublisher } from '@agora/platform';
import { buildApp } from './app.ts';
import { messagesConfigSchema } from './config.ts';
import { createMessagesConsumer } from './events.ts';
import { createMessagesRepo } from './messages-repo.ts';

const config = loadConfigOrExit(messagesConfigSchema);
const logger = createLogger({ level: config.LOG_LEVEL, service: 'messages' });
const aws = createAwsClients(config, logger);
const events = snsEventPublisher(aws.sns, config.FORUM_EVENTS_TOPIC_ARN);
const app = await buildApp({
  config,
  logger,
  dynamo: aws.dynamo,
  documents: aws.documents,
  events,
});
const consumer = createMessagesConsumer({
  sqs: aws.sqs,
  queueUrl: config.MESSAGES_EVENTS_QUEUE_URL,
  messages: createMessagesRepo(aws.documents, config.MESSAGES_TABLE),
  events,
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
