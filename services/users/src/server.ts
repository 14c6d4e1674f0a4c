/** Starts the users service: config from the environment, AWS clients, the app, graceful stop. */
import { createAwsClients, createLogger, loadConfigOrExit, serve, snsEventPublisher } from '@agora/platform';
import { buildApp } from './app.ts';
import { usersConfigSchema } from './config.ts';

const config = loadConfigOrExit(usersConfigSchema);
const logger = createLogger({ level: config.LOG_LEVEL, service: 'users' });
const aws = createAwsClients(config, logger);
const app = await buildApp({
  config,
  logger,
  dynamo: aws.dynamo,
  documents: aws.documents,
  events: snsEventPublisher(aws.sns, config.FORUM_EVENTS_TOPIC_ARN),
});
await serve(app, {
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onClose: () => aws.destroy(),
});
