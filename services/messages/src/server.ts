/**
 * Starts the messages service: config, AWS clients, the app, and its event consumer in the same
 * process (started after the server listens, stopped on SIGTERM before the clients close).
 */
import { runService, snsEventPublisher } from '@agora/platform';
import { buildApp } from './app.ts';
import { messagesConfigSchema } from './config.ts';
import { createMessagesConsumer } from './events.ts';
import { createMessagesRepo } from './messages-repo.ts';

await runService({
  name: 'messages',
  configSchema: messagesConfigSchema,
  wire: async ({ config, logger, aws }) => {
    const events = snsEventPublisher(aws.sns, config.FORUM_EVENTS_TOPIC_ARN);
    return {
      app: await buildApp({ config, logger, dynamo: aws.dynamo, documents: aws.documents, events }),
      consumers: [
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
