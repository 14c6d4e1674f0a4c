/**
 * `npm run bench:tracing` (not part of `npm test`): what tracing costs a service, in one run on this
 * machine, loopback only, bounded in time. Three processes of the users service on the same emulator,
 * started the same way (the runtime's instrument module first): tracing off; tracing every request
 * (always_on, the worst case); and sampling as deployed (parentbased_traceidratio, 0.05: the CDK
 * default). Both traced ones export OTLP/HTTP to a receiver in this process that counts and drops the
 * exports (parsing them would bill this process's work to the service). Each route is measured in
 * BENCH_ROUNDS rounds (default 3) of off, all, sampled (BENCH_SECONDS each, default 5;
 * BENCH_CONNECTIONS, 10), so a machine's drift hits all three alike, and the median requests/s of
 * each, with the traced/off ratios, are printed:
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
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

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

const receiver = await startOtlpReceiver({ keep: false });
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
  const traced = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
  const configurations = {
    off: await startUsers({ ...base, OTEL_SDK_DISABLED: 'true' }),
    all: await startUsers({ ...base, ...traced, OTEL_TRACES_SAMPLER: 'always_on' }),
    sampled: await startUsers({
      ...base,
      ...traced,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.05',
    }),
  };
  processes.push(...Object.values(configurations).map((started) => started.child));
  process.stdout.write(
    `tracing cost, users service, ${connections} connections, ${rounds} rounds of ${seconds} s per configuration (requests/s)\n`,
  );
  for (const path of ['/.well-known/jwks.json', '/api/users']) {
    const rates: Record<keyof typeof configurations, number[]> = { off: [], all: [], sampled: [] };
    for (let round = 1; round <= rounds; round++) {
      for (const [label, target] of Object.entries(configurations) as [
        keyof typeof configurations,
        { url: string },
      ][]) {
        const result = await measure(`${target.url}${path}`);
        rates[label].push(result.requests.average);
        process.stdout.write(
          `  ${path.padEnd(24)} round ${round} ${label.padEnd(7)} ${result.requests.average.toFixed(0).padStart(6)} req/s   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms\n`,
        );
      }
    }
    const off = median(rates.off);
    for (const label of ['all', 'sampled'] as const) {
      const ratio = median(rates[label]) / off;
      process.stdout.write(
        `  ${path.padEnd(24)} ${label === 'all' ? 'every request traced' : 'sampled 5 % (deployed)'}: ${median(rates[label]).toFixed(0)} / ${off.toFixed(0)} req/s = ${ratio.toFixed(3)}, tracing costs ${((1 - ratio) * 100).toFixed(1)} %\n`,
      );
    }
  }
  // The traced processes exported what they recorded: the figures are of real exports, not a no-op.
  if (receiver.requests === 0) throw new Error('no OTLP export arrived from the traced processes');
  process.stdout.write(`  OTLP exports received: ${receiver.requests} (${(receiver.bytes / 1e6).toFixed(1)} MB)\n`);
} finally {
  for (const child of processes) child.kill('SIGTERM');
  await system.stop();
  await receiver.close();
}
