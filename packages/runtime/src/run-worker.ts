/**
 * What a worker's main.ts does, the counterpart of runService for a process that serves no API:
 * load its config (or exit with one clear line), create its logger and AWS clients, let the
 * worker wire itself, serve its health endpoint (Fastify, like the APIs), start the work once it
 * listens, and on SIGTERM or SIGINT stop the work (finish or hand back what is in hand), close the
 * endpoint and the clients, exit 0; past the shutdown timeout, exit 1 rather than hang a deployment.
 * The work's loop failing for good is fatal too: the process exits 1 and the scheduler replaces it.
 */

import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Static } from 'typebox';
import { accessLogOptions } from './access-log.ts';
import type { ConfigSchema } from './config.ts';
import { closeConnectionsWhenDraining, serve } from './lifecycle.ts';
import { registerProblemHandlers } from './problem.ts';
import { type ProcessConfig, processContext, type ServiceContext } from './run-service.ts';

/** The worker process's variables: its health endpoint's address, log level and AWS endpoint (its drain time is its own). */
export type WorkerProcessConfig = Omit<ProcessConfig, 'SHUTDOWN_TIMEOUT_MS'>;

export interface WorkerHealthReport {
  /** false: /health answers 503 and the orchestrator replaces the task */
  readonly healthy: boolean;
}

export interface Worker {
  /** Runs the work; resolves once stopped. A rejection means it cannot go on. */
  start(): Promise<void>;
  /** Stops taking work and settles what is in hand. */
  stop(): Promise<void>;
  health(): WorkerHealthReport;
}

export interface RunWorkerOptions<S extends ConfigSchema> {
  /** the `service` field of every log line */
  readonly name: string;
  readonly configSchema: S;
  readonly wire: (context: ServiceContext<Static<S>>) => Promise<Worker>;
  /** how long a graceful shutdown may take, from the config (the drain and one long poll, with a margin) */
  readonly shutdownTimeoutMs: (config: Static<S>) => number;
}

/** The worker's only port: GET /health and /ready, 503 while the worker reports itself unhealthy. */
export function healthApp(worker: Pick<Worker, 'health'>, logger: Logger): FastifyInstance {
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, ...accessLogOptions() });
  registerProblemHandlers(app);
  closeConnectionsWhenDraining(app);
  const answer = async (_request: unknown, reply: FastifyReply) => {
    const health = worker.health();
    return reply.code(health.healthy ? 200 : 503).send({ status: health.healthy ? 'ok' : 'stalled', ...health });
  };
  // Probes come every few seconds: their request lines would drown the worker's own.
  app.get('/health', { logLevel: 'warn' }, answer);
  app.get('/ready', { logLevel: 'warn' }, answer);
  return app;
}

export async function runWorker<S extends ConfigSchema>(
  // A schema without the variables the process reads does not compile.
  options: RunWorkerOptions<S> & (Static<S> extends WorkerProcessConfig ? unknown : { configSchema: never }),
): Promise<void> {
  const context = processContext(options.name, options.configSchema);
  const { config, logger, aws } = context;
  const processConfig: WorkerProcessConfig = config as Static<S> & WorkerProcessConfig;
  const worker = await options.wire(context);
  const app = healthApp(worker, logger);
  await serve(app, {
    port: processConfig.PORT,
    host: processConfig.HOST,
    shutdownTimeoutMs: options.shutdownTimeoutMs(config),
    onShutdown: () => worker.stop(),
    onClose: () => aws.destroy(),
  });
  logger.info({ port: (app.server.address() as { port: number } | null)?.port }, `${options.name} started`);
  worker.start().catch((error) => {
    logger.fatal({ err: error }, 'the worker loop crashed');
    process.exit(1);
  });
}
