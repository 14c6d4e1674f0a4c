/**
 * Starts an inventory worker through the runtime's runWorker: config, clients, the polling loop
 * and the health endpoint. SIGTERM (ECS stopping the task) or SIGINT: stop receiving, finish or
 * hand back the current file, exit 0, well inside ECS's stop timeout.
 */
import { runWorker } from '@agora/runtime/run-worker';
import { workerConfigSchema } from './config.ts';
import { buildWorker } from './worker.ts';

await runWorker({
  name: 'inventory-worker',
  configSchema: workerConfigSchema,
  wire: ({ config, logger, aws }) => buildWorker(config, aws, logger),
  // Past the poll, the drain and a margin, give up rather than hang a deployment.
  shutdownTimeoutMs: (config) => config.POLL_WAIT_SECONDS * 1000 + config.DRAIN_TIMEOUT_MS + 15_000,
});
