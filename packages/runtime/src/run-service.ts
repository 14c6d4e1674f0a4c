/**
 * What every service's server.ts does: load its config (or exit with one clear line), create its
 * logger and AWS clients, let the service wire its app and event consumers, serve the app, start
 * the consumers once it listens, and on SIGTERM stop the consumers before the clients close.
 */

import type { Logger } from 'pino';
import type { Static } from 'typebox';
import { type AwsClients, createAwsClients } from './aws.ts';
import { type ConfigSchema, loadConfigOrExit } from './config.ts';
import type { EventConsumer } from './consumer.ts';
import type { App } from './http.ts';
import { serve } from './lifecycle.ts';
import { createLogger } from './logger.ts';
import { startProcessMetrics } from './metrics.ts';

/** The httpServiceConfig variables the process itself reads. */
export interface ProcessConfig {
  readonly LOG_LEVEL: string;
  readonly PORT: number;
  readonly HOST: string;
  readonly SHUTDOWN_TIMEOUT_MS: number;
  readonly AWS_REGION: string;
  readonly AWS_ENDPOINT_URL?: string | undefined;
}

export interface ServiceContext<Config> {
  readonly config: Config;
  readonly logger: Logger;
  readonly aws: AwsClients;
}

/** How every process starts (runService, runWorker): its config or one clear line and exit 1, its logger, its AWS clients. */
export function processContext<S extends ConfigSchema>(name: string, configSchema: S): ServiceContext<Static<S>> {
  const config = loadConfigOrExit(configSchema);
  const processConfig = config as Static<S> & Omit<ProcessConfig, 'PORT' | 'HOST' | 'SHUTDOWN_TIMEOUT_MS'>;
  const logger = createLogger({ level: processConfig.LOG_LEVEL });
  startProcessMetrics(name);
  return { config, logger, aws: createAwsClients(processConfig, logger) };
}

export interface ServiceParts {
  readonly app: App;
  /** started after the server listens, stopped on SIGTERM before the AWS clients close */
  readonly consumers?: readonly EventConsumer[];
}

export interface RunServiceOptions<S extends ConfigSchema> {
  /** the service's name, on its start line (every other line is in the service's own log group) */
  readonly name: string;
  readonly configSchema: S;
  readonly wire: (context: ServiceContext<Static<S>>) => Promise<ServiceParts>;
}

export async function runService<S extends ConfigSchema>(
  // A schema without the variables the process reads (httpServiceConfig) does not compile.
  options: RunServiceOptions<S> & (Static<S> extends ProcessConfig ? unknown : { configSchema: never }),
): Promise<void> {
  const context = processContext(options.name, options.configSchema);
  const processConfig: ProcessConfig = context.config as Static<S> & ProcessConfig;
  const { app, consumers = [] } = await options.wire(context);
  await serve(app, {
    port: processConfig.PORT,
    host: processConfig.HOST,
    shutdownTimeoutMs: processConfig.SHUTDOWN_TIMEOUT_MS,
    onClose: async () => {
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      context.aws.destroy();
    },
  });
  for (const consumer of consumers) consumer.start();
  context.logger.info({ service: options.name }, `${options.name} started`);
}
