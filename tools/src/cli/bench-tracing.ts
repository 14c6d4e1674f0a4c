/**
 * `npm run bench:tracing` (not part of `npm test`): what tracing costs a service, in one run on this
 * machine, loopback only, bounded in time. Three processes of the users service on the same emulator,
 * started the same way (the runtime's instrument module first): tracing off; tracing every request
 * (always_on, the worst case); and sampling as deployed (parentbased_traceidratio, 0.05: the CDK
 * default). Both traced ones export OTLP/HTTP to a receiver in this process that counts and drops the
 * exports (parsing them would bill this process's work to the service).
 * The figure is each service process's own CPU time per request, read from the OS
 * (/proc/<pid>/stat) around its turn, not requests/s: on a shared machine the wall-clock rate
 * moves with whatever else runs (it once read 0.50× on one route), and every request waits on the
 * emulator (the shared rate limit's UpdateItem), so requests/s measure moto more than the service.
 * Since a CPU-bound service's requests/s is the inverse of its CPU per request, "tracing costs
 * ≤ 15 %" reads as CPU/request traced ÷ off ≤ 1/0.85 = 1.176.
 * Each route is measured in BENCH_ROUNDS rounds (default 5; BENCH_SECONDS of load per turn,
 * default 3; BENCH_CONNECTIONS, 10), the three turns of a round back to back in an order that
 * rotates each round. Load from elsewhere drifts between rounds more than within one, so each
 * round gives its own traced ÷ off ratio and the median of those is the figure, printed with
 * their range (how far to trust it); wall-clock requests/s are printed for reference:
 *   GET /.well-known/jwks.json  the least work: the request span and the rate limit's UpdateItem span;
 *   GET /api/users              a DynamoDB query too: one more AWS SDK span.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { serviceNamed } from '@agora/catalogue';
import { freePort } from '../local/emulator.ts';
import { instrumentModule, startSystem } from '../local/launcher.ts';
import { repoRoot } from '../paths.ts';
import { startOtlpReceiver } from '../testing/otlp-receiver.ts';
import { cpuMicros } from '../testing/process-cpu.ts';
import { waitForHttp } from '../wait.ts';

interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: { url: string; connections: number; duration: number }) => Promise<Result>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
/** Traced processes export every 200 ms; the pause lets a turn's last batch be billed to that turn. */
const exportDelayMs = 200;
const settle = () => new Promise((resolve) => setTimeout(resolve, 3 * exportDelayMs));

/** One turn of load on `url`, served by process `pid`: its CPU-µs per request, and the requests/s. */
async function measure(url: string, pid: number): Promise<{ cpuPerRequest: number; rate: number; result: Result }> {
  await autocannon({ url, connections, duration: 1 });
  await settle();
  const before = await cpuMicros(pid);
  const result = await autocannon({ url, connections, duration: seconds });
  await settle();
  const cpu = (await cpuMicros(pid)) - before;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors; the figures would lie`);
  }
  return { cpuPerRequest: cpu / result.requests.total, rate: result.requests.average, result };
}

async function startUsers(env: Record<string, string>): Promise<{ url: string; pid: number; child: ChildProcess }> {
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
  return { url, pid: child.pid as number, child };
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
  const traced = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: String(exportDelayMs) };
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
    `tracing cost, users service: CPU-µs per request of each process (from /proc), ${connections} connections, ${rounds} interleaved rounds of ${seconds} s per configuration\n`,
  );
  type Label = keyof typeof configurations;
  const labels = Object.keys(configurations) as Label[];
  for (const path of ['/.well-known/jwks.json', '/api/users']) {
    const cpu: Record<Label, number[]> = { off: [], all: [], sampled: [] };
    const rates: Record<Label, number[]> = { off: [], all: [], sampled: [] };
    for (let round = 0; round < rounds; round++) {
      // off, all, sampled; then all, sampled, off; …: no configuration always goes first
      const order = labels.map((_, index) => labels[(index + round) % labels.length] as Label);
      for (const label of order) {
        const target = configurations[label];
        const turn = await measure(`${target.url}${path}`, target.pid);
        cpu[label].push(turn.cpuPerRequest);
        rates[label].push(turn.rate);
        process.stdout.write(
          `  ${path.padEnd(24)} round ${round + 1} ${label.padEnd(7)} ${turn.cpuPerRequest.toFixed(0).padStart(5)} CPU-µs/request ${turn.rate.toFixed(0).padStart(6)} req/s   p50 ${turn.result.latency.p50} ms   p99 ${turn.result.latency.p99} ms\n`,
        );
      }
    }
    for (const label of ['all', 'sampled'] as const) {
      const ratios = cpu[label].map((value, round) => value / (cpu.off[round] as number));
      const ratio = median(ratios);
      const wall = median(rates[label].map((value, round) => value / (rates.off[round] as number)));
      process.stdout.write(
        `  ${path.padEnd(24)} ${label === 'all' ? 'every request traced' : 'sampled 5 % (deployed)'}: CPU/request ${ratio.toFixed(3)}× of off (median of ${rounds} rounds, range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}), tracing costs ${((ratio - 1) * 100).toFixed(1)} % more CPU = requests/s ${(1 / ratio).toFixed(3)}× of off (wall-clock ${wall.toFixed(3)}×)\n`,
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
