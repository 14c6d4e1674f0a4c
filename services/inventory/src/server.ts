/** Starts the inventory service: config from the environment, AWS clients, the app, graceful stop. */
import { runService } from '@agora/runtime/run-service';
import { buildApp } from './app.ts';
import { inventoryConfigSchema } from './config.ts';

await runService({
  name: 'inventory',
  configSchema: inventoryConfigSchema,
  wire: async ({ config, logger, aws }) => ({
    app: await buildApp({
      config,
      logger,
      dynamo: aws.dynamo,
      streams: aws.streams,
      documents: aws.documents,
      s3: aws.s3,
    }),
  }),
});
