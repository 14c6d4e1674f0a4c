/**
 * Starts the stock relay through the runtime's runWorker: config, clients, the stream follower
 * and the health endpoint. SIGTERM: stop reading, finish the publish in hand, exit 0.
 */
import { runWorker } from '@agora/runtime/run-worker';
import { stockRelayConfigSchema } from './config.ts';
import { createStockRelay } from './relay.ts';

await runWorker({
  name: 'stock-relay',
  configSchema: stockRelayConfigSchema,
  wire: async ({ config, logger, aws }) =>
    createStockRelay({
      dynamo: aws.dynamo,
      streams: aws.streams,
      sns: aws.sns,
      tableName: config.INVENTORY_TABLE,
      topicArn: config.STOCK_CHANGES_TOPIC_ARN,
      logger,
      pollMs: config.STREAM_POLL_MS,
      healthMaxSilenceMs: config.HEALTH_MAX_SILENCE_SECONDS * 1000,
    }),
  shutdownTimeoutMs: () => 20_000,
});
