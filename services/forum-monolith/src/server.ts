/**
 * Starts the forum monolith: one process, one port, the three services' routes and both event
 * consumers (stopped on SIGTERM before the clients close).
 */
import { createMessagesConsumer } from '@agora/messages/events';
import { createMessagesRepo } from '@agora/messages/messages-repo';
import { createAwsClients, createLogger, loadConfigOrExit, serve, snsEventPublisher } from '@agora/platform';
import { createTopicsConsumer } from '@agora/topics/events';
import { createTopicsRepo } from '@agora/topics/topics-repo';
import { buildMonolith } from './app.ts';
import { monolithConfigSchema } from './config.ts';

const config = loadConfigOrExit(monolithConfigSchema);
const logger = createLogger({ level: config.LOG_LEVEL, service: 'forum' });
const aws = createAwsClients(config, logger);
const events = snsEventPublisher(aws.sns, config.FORUM_EVENTS_TOPIC_ARN);
const app = await buildMonolith({ config, logger, dynamo: aws.dynamo, documents: aws.documents, events });
const consumers = [
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
];
await serve(app, {
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onClose: async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    aws.destroy();
  },
});
for (const consumer of consumers) consumer.start();
