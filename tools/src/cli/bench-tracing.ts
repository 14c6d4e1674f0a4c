/**
 * `npm run bench:tracing` (not part of `npm test`): what tracing costs a service, in one run on this
 * machine, loopback only, bounded in time. Two processes of the users service on the same emulator,
 * started the same way (the runtime's instrument module first): one with tracing off, one sampling
 * every request (parentbased_always_on) and exporting OTLP/HTTP to a receiver in this process.
 * Each route is measured off, on, off, on (BENCH_SECONDS each, default 5; BENCH_CONNECTIONS, 10)
 * and the on/off ratio of requests/s printed:
 *   GET /.well-known/jwks.json  no AWS call: the request span alone, the worst case relative to the work;
 *   GET /api/users              one DynamoDB call: the request span and the AWS SDK span.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { serviceNamed } from '@agora/catalogue';
import { freePort } from '../local/emulator.ts';
import { instrumentModule, startSystem } from '../local/launcher.ts';
import { repoRoot } from '../paths.ts';
import { startOtlpReceiver } from '../testing/otlp-receiver.ts';
import { waitForHttp } from '../wait.ts';

interface Result {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: { url: string; connections: number; duration: number }) => Promise<Result>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

async function measure(url: string): Promise<Result> {
  await autocannon({ url, connections, duration: 1 });
  const result = await autocannon({ url, connections, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors; the figures would lie`);
  }
  return result;
}

async function startUsers(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const users = serviceNamed('users');
  const child = spawn(
    process.execPath,
    [`--import=${instrumentModule}`, `services/${users.workspace}/${users.entry}`],
    {
      cwd: repoRoot,
      env: { ...env, PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/ready`, { timeoutMs: 60_000 });
  return { url, child };
}

const receiver = await startOtlpReceiver();
const system = await startSystem({
  gatewayPort: 0,
  logLevel: 'warn',
  prefix: `benchtr${process.pid}`,
  serviceEnv: { RATE_LIMIT_PER_MINUTE: '100000000' },
});
const processes: ChildProcess[] = [];
try {
  const base = { ...(system.processes.get('users')?.env ?? {}) };
  delete base.OTEL_EXPORTER_OTLP_ENDPOINT;
  const off = await startUsers({ ...base, OTEL_SDK_DISABLED: 'true' });
  const on = await startUsers({
    ...base,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_TRACES_SAMPLER: 'parentbased_always_on',
  });
  processes.push(off.child, on.child);
  process.stdout.write(
    `tracing cost, users service, ${connections} connections, ${seconds} s per run, off/on/off/on (requests/s)\n`,
  );
  for (const path of ['/.well-known/jwks.json', '/api/users']) {
    const rates = { off: [] as number[], on: [] as number[] };
    for (const round of [0, 1]) {
      for (const [label, target] of [
        ['off', off],
        ['on', on],
      ] as const) {
        const result = await measure(`${target.url}${path}`);
        rates[label].push(result.requests.average);
        process.stdout.write(
          `  ${path.padEnd(24)} tracing ${label.padEnd(3)} run ${round + 1}: ${result.requests.average.toFixed(0).padStart(6)} req/s   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms\n`,
        );
      }
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const ratio = mean(rates.on) / mean(rates.off);
    process.stdout.write(
      `  ${path.padEnd(24)} on/off = ${ratio.toFixed(3)}: tracing costs ${((1 - ratio) * 100).toFixed(1)} % of requests/s\n`,
    );
  }
  // The traced process exported what it recorded: the figures are of real exports, not a silent no-op.
  await receiver.waitForSpan(
    (span) => span.service === 'users' && span.name === 'GET /api/users',
    'exported spans',
    10_000,
  );
  process.stdout.write(
    `  spans received from the traced process: ${receiver.spans.length} in ${receiver.requests} OTLP requests\n`,
  );
} finally {
  for (const child of processes) child.kill('SIGTERM');
  await system.stop();
  await receiver.close();
}
