/** Starts the gateway on :8080 (or PORT) in front of the targets named by UPSTREAM_*_URL, serving the web app's build. */

import { loadWebApp } from '@agora/dashboard/serve';
import { loadConfigOrExit } from '@agora/runtime/config';
import { serve } from '@agora/runtime/lifecycle';
import { createLogger } from '@agora/runtime/logger';
import { buildGateway } from './app.ts';
import { gatewayConfigSchema, targetGroupSettingsFrom, upstreamsFrom } from './config.ts';
import { buildControlApi } from './control.ts';
import { TargetGroup } from './target-group.ts';

const config = loadConfigOrExit(gatewayConfigSchema);
const logger = createLogger({ level: config.LOG_LEVEL });
const settings = targetGroupSettingsFrom(config);
const targetGroups = new Map(
  [...upstreamsFrom(config)].map(([service, urls]) => {
    const group = new TargetGroup(service, settings, logger);
    for (const url of urls) group.register(url);
    return [service, group] as const;
  }),
);
const control = config.CONTROL_PORT === undefined ? undefined : await buildControlApi(targetGroups, logger);
const webApp = await loadWebApp();
if (!webApp.page) logger.warn('the web app is not built: its pages answer 503');
const app = await buildGateway({
  targetGroups,
  webApp,
  limits: {
    requestsPerService: config.MAX_REQUESTS_PER_SERVICE,
    streamsPerService: config.MAX_STREAMS_PER_SERVICE,
    queueTimeoutMs: config.QUEUE_TIMEOUT_MS,
  },
  logger,
});
app.addHook('onClose', async () => {
  await control?.close();
});
await serve(app, { port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
// Loopback only: whoever can reach it can take every target out of service.
await control?.listen({ port: config.CONTROL_PORT ?? 0, host: '127.0.0.1' });
