/**
 * `npm run up`: the whole system on this machine, no Docker. Ctrl-C stops everything cleanly.
 * GATEWAY_PORT changes the gateway's port (8080 by default). `npm run up -- --monolith` (or
 * AGORA_TOPOLOGY=monolith) runs the forum services as one process instead of three. WORKERS=N
 * (or `-- --workers=N`) starts N inventory workers (1 by default). `-- --traces` also starts the
 * local trace viewer (Zipkin, installed on first use) and every process sends it its spans.
 */
import { appendFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { ensureDashboardBuilt } from '@agora/dashboard/build';
import { stateDir } from '../paths.ts';
import { startSystem } from './launcher.ts';
import { localMetricsIntervalSeconds, metricsFile } from './metrics-file.ts';
import { startTraceViewer, type TraceViewer } from './trace-viewer.ts';

const colours = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m', '\x1b[31m'];
const assigned = new Map<string, string>();
const tty = process.stdout.isTTY;

function printLog(name: string, line: string) {
  // EMF metric lines go to the file `npm run metrics` reads, not to the console.
  if (line.startsWith('{"_aws"')) {
    appendFileSync(metricsFile, `${line}\n`);
    return;
  }
  if (!assigned.has(name)) assigned.set(name, colours[assigned.size % colours.length] as string);
  let text = line;
  try {
    const parsed = JSON.parse(line);
    // an access line (access-log.ts): method, route, status, latency
    const request = parsed.method ? ` ${parsed.method} ${parsed.url ?? parsed.route}` : '';
    const status = parsed.status ? ` ${parsed.status} ${parsed.latencyMs} ms` : '';
    text = `${parsed.level ?? ''} ${parsed.msg ?? ''}${request}${status}${parsed.reqId ? ` (${parsed.reqId})` : ''}`;
  } catch {
    // not JSON: print as it is
  }
  const label = tty ? `${assigned.get(name)}${name.padEnd(10)}\x1b[0m` : name.padEnd(10);
  process.stdout.write(`${label} ${text}\n`);
}

await mkdir(stateDir, { recursive: true });
await writeFile(metricsFile, '');

// The gateway serves the web app at /: build it when its sources changed.
await ensureDashboardBuilt({ log: (line) => process.stdout.write(`agora      ${line}\n`) });

const monolithMode = process.argv.includes('--monolith') || process.env.AGORA_TOPOLOGY === 'monolith';
const workersFlag = process.argv.find((arg) => arg.startsWith('--workers='));
const progress = (message: string) => process.stdout.write(`agora      ${message}\n`);
let viewer: TraceViewer | undefined;
if (process.argv.includes('--traces')) {
  progress('starting the trace viewer …');
  viewer = await startTraceViewer({ port: Number(process.env.TRACES_PORT ?? 9411), log: progress });
}
const system = await startSystem({
  ...(viewer ? { traces: { zipkinEndpoint: viewer.spansEndpoint } } : {}),
  gatewayPort: Number(process.env.GATEWAY_PORT ?? 8080),
  topology: monolithMode ? 'monolith' : 'microservices',
  ...(workersFlag ? { workers: Number(workersFlag.slice('--workers='.length)) } : {}),
  serviceEnv: { METRICS_INTERVAL_SECONDS: localMetricsIntervalSeconds },
  onLog: printLog,
  onProgress: progress,
});

// The operator commands (npm run roles) find the running system here.
await writeFile(
  `${stateDir}/local.json`,
  JSON.stringify({ endpoint: system.endpoint, env: system.deployment.env, gatewayUrl: system.gatewayUrl }, null, 2),
);

process.stdout.write(`
Agora is running (${system.topology}).
  gateway (the load balancer):  ${system.gatewayUrl}
  web app (forum, inventory):   ${system.gatewayUrl}/
  try:                          curl -s ${system.gatewayUrl}/api/users
${[...system.processes.values()].map((p) => `  ${p.name.padEnd(29)} ${p.url}`).join('\n')}
  AWS emulator:                 ${system.endpoint}
  metrics (EMF, every ${localMetricsIntervalSeconds} s):       npm run metrics
${viewer ? `  traces:                       ${viewer.uiUrl}\n` : ''}Press Ctrl-C to stop.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nagora      stopping …\n');
    await system.stop();
    await viewer?.stop();
    process.stdout.write('agora      stopped\n');
    process.exit(0);
  });
}
