/**
 * Starts the inventory service: config from the environment, AWS clients, the app, its live feed
 * (its own queue, made after the server listens and deleted on SIGTERM), graceful stop.
 */
import { runService } from '@agora/runtime/run-service';
import { buildApp } from './app.ts';
import { inventoryConfigSchema } from './config.ts';
import { createStockFeed } from './stock-feed.ts';

await runService({
  name: 'inventory',
  configSchema: inventoryConfigSchema,
  wire: async ({ config, logger, aws }) => {
    const feed = createStockFeed({
      sqs: aws.sqs,
      sns: aws.sns,
      logger,
      topicArn: config.STOCK_CHANGES_TOPIC_ARN,
      queuePrefix: config.INVENTORY_LIVE_QUEUE_PREFIX,
    });
    return {
      app: await buildApp({ config, logger, dynamo: aws.dynamo, documents: aws.documents, s3: () => aws.s3, feed }),
      consumers: [feed],
    };
  },
});
