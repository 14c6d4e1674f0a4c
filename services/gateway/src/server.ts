/** Starts the gateway on :8080 (or PORT) in front of the services named by UPSTREAM_*_URL. */

import { loadConfigOrExit } from '@agora/runtime/config';
import { serve } from '@agora/runtime/lifecycle';
import { createLogger } from '@agora/runtime/logger';
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
