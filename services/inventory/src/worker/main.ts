/**
 * Starts an inventory worker: config, clients, the polling loop and the health endpoint. SIGTERM
 * (ECS stopping the task) or SIGINT: stop receiving, finish or hand back the current file, exit 0,
 * well inside ECS's stop timeout.
 */
import { createAwsClients } from '@agora/runtime/aws';
import { loadConfigOrExit } from '@agora/runtime/config';
import { createLogger } from '@agora/runtime/logger';
import { workerConfigSchema } from './config.ts';
import { buildWorker, healthServer } from './worker.ts';

const config = loadConfigOrExit(workerConfigSchema);
const logger = createLogger({ level: config.LOG_LEVEL, service: 'inventory-worker' });
const aws = createAwsClients(config, logger);
const worker = await buildWorker(config, aws, logger);
const server = healthServer(worker);
await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
logger.info({ port: config.PORT }, 'inventory worker polling the files queue');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'graceful shutdown started');
  // Past the poll, the drain and a margin, give up rather than hang a deployment.
  const limit = setTimeout(
    () => {
      logger.error('graceful shutdown took too long');
      process.exit(1);
    },
    config.POLL_WAIT_SECONDS * 1000 + config.DRAIN_TIMEOUT_MS + 15_000,
  );
  limit.unref();
  await worker.stop();
  server.close();
  aws.destroy();
  logger.info('graceful shutdown complete');
  process.exit(0);
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal));

worker.start().catch((error) => {
  logger.fatal({ err: error }, 'the worker loop crashed');
  process.exit(1);
});
