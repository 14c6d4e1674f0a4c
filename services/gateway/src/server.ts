/** Starts the gateway on :8080 (or PORT) in front of the services named by UPSTREAM_*_URL. */
import { createLogger, loadConfigOrExit, serve } from '@agora/platform';
import { buildGateway } from './app.ts';
import { gatewayConfigSchema, upstreamsFrom } from './config.ts';

const config = loadConfigOrExit(gatewayConfigSchema);
const logger = createLogger({ level: config.LOG_LEVEL, service: 'gateway' });
const app = await buildGateway({
  upstreams: upstreamsFrom(config),
  upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
  logger,
});
await serve(app, { port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
