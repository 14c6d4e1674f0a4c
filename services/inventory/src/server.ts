/** Starts the inventory service: config from the environment, AWS clients, the app, graceful stop. */
import { createAwsClients, createLogger, loadConfigOrExit, serve } from '@agora/platform';
import { buildApp } from './app.ts';
import { inventoryConfigSchema } from './config.ts';

const config = loadConfigOrExit(inventoryConfigSchema);
const logger = createLogger({ level: config.LOG_LEVEL, service: 'inventory' });
const aws = createAwsClients(config, logger);
const app = await buildApp({
  config,
  logger,
  dynamo: aws.dynamo,
  streams: aws.streams,
  documents: aws.documents,
  s3: aws.s3,
});
await serve(app, {
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onClose: () => aws.destroy(),
});
