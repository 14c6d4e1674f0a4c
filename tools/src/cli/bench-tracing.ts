/**
 * `npm run bench:tracing` (not part of `npm test`): what tracing costs a service, in one run on this
 * machine, loopback only, bounded in time. Three processes of the users service on the same emulator,
 * started the same way (the runtime's instrument module first): tracing off; tracing every request
 * (always_on, the worst case); and sampling as deployed (the catalogue's deployedTraceSampling, the
 * CDK default). Both traced ones export OTLP/HTTP to a receiver in this process that counts and drops the
 * exports (parsing them would bill this process's work to the service).
 * The figure is each service process's own CPU time per request, read from the OS
 * (/proc/<pid>/stat), not requests/s: on a shared machine the wall-clock rate moves with whatever
 * else runs (it once read 0.50× on one route), and every request waits on the emulator (the shared
 * rate limit's UpdateItem), so requests/s measure moto more than the service. Since a CPU-bound
 * service's requests/s is the inverse of its CPU per request, "tracing costs ≤ 15 %" reads as
 * CPU/request traced ÷ off ≤ 1/0.85 = 1.176.
 * The three processes are loaded at the same time, each by its own client with the same number of
 * requests (BENCH_REQUESTS, default 600; BENCH_CONNECTIONS each, default 4), so all three see the
 * same machine: on 2 cores shared with other work, the CPU a request costs drifts by tens of per
 * cent between one second and the next (other processes' cache and memory traffic), and turns taken
 * one after the other (the earlier method) compared different seconds (ranges of 0.97–1.56). Each
 * of BENCH_ROUNDS rounds (default 9) gives its own traced ÷ off ratio; the median of those is the
 * figure, printed with their range (how far to trust it) and the load average. The two routes:
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { serviceNamed, traceSamplingEnvironment } from '@agora/catalogue';
import { freePort } from '../local/emulator.ts';
import { instrumentModule, startSystem } from '../local/launcher.ts';
import { repoRoot } from '../paths.ts';
import { startOtlpReceiver } from '../testing/otlp-receiver.ts';
import { cpuMicros } from '../testing/process-cpu.ts';
import { waitForHttp } from '../wait.ts';
import { loadAverage, median } from './bench-statistics.ts';

interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: { url: string; connections: number; amount: number }) => Promise<Result>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const requests = Number(process.env.BENCH_REQUESTS ?? 600);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 4);
const rounds = Number(process.env.BENCH_ROUNDS ?? 9);

/**
 * How long spans wait in the batch (OTEL_BSP_SCHEDULE_DELAY), as deployed (the SDK's 5 s) unless
 * BENCH_EXPORT_DELAY_MS says otherwise. An export's fixed cost (one POST) is shared by the spans
 * of its batch: a short delay at this bench's few requests/s (the earlier 200 ms: ~10 spans an
 * export) bills more of it to each request than a deployed task pays. Rounds run back to back under
 * the same load, so the batch a round leaves for the next is about the one it took from the previous.
 */
const exportDelayMs = Number(process.env.BENCH_EXPORT_DELAY_MS ?? 5000);
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

interface Target {
  readonly url: string;
  readonly pid: number;
}

/** One round: `amount` requests to each target at once; each one's CPU-µs per request and requests/s. */
async function measureTogether(targets: readonly Target[], path: string, amount: number) {
  const before = await Promise.all(targets.map((target) => cpuMicros(target.pid)));
  const results = await Promise.all(
    targets.map((target) => autocannon({ url: `${target.url}${path}`, connections, amount })),
  );
  await settle();
  const after = await Promise.all(targets.map((target) => cpuMicros(target.pid)));
  return results.map((result, index) => {
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`${path}: ${result.non2xx} non-2xx answers and ${result.errors} errors; the figures would lie`);
    }
    return {
      cpuPerRequest: ((after[index] as number) - (before[index] as number)) / result.requests.total,
      rate: result.requests.average,
    };
  });
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
      ...traceSamplingEnvironment(),
    }),
  };
  processes.push(...Object.values(configurations).map((started) => started.child));
  process.stdout.write(
    `tracing cost, users service: CPU-µs per request of each process (from /proc), the three loaded at once, ${rounds} rounds of ${requests} requests each (${connections} connections each); load average ${loadAverage()}\n`,
  );
  type Label = keyof typeof configurations;
  const labels = Object.keys(configurations) as Label[];
  const targets = labels.map((label) => configurations[label]);
  for (const path of ['/.well-known/jwks.json', '/api/users']) {
    await measureTogether(targets, path, 200); // warm-up: JIT, connections, the first export
    const cpu: Record<Label, number[]> = { off: [], all: [], sampled: [] };
    const rates: Record<Label, number[]> = { off: [], all: [], sampled: [] };
    for (let round = 0; round < rounds; round++) {
      const turns = await measureTogether(targets, path, requests);
      turns.forEach((turn, index) => {
        const label = labels[index] as Label;
        cpu[label].push(turn.cpuPerRequest);
        rates[label].push(turn.rate);
      });
      process.stdout.write(
        `  ${path.padEnd(24)} round ${String(round + 1).padStart(2)}  ${labels.map((label, index) => `${label} ${(turns[index]?.cpuPerRequest ?? 0).toFixed(0).padStart(5)} µs ${(turns[index]?.rate ?? 0).toFixed(0).padStart(4)} req/s`).join('   ')}   load ${loadAverage()}\n`,
      );
    }
    for (const label of ['all', 'sampled'] as const) {
      const ratios = cpu[label].map((value, round) => value / (cpu.off[round] as number));
      const ratio = median(ratios);
      const extra = median(cpu[label]) - median(cpu.off);
      process.stdout.write(
        `  ${path.padEnd(24)} ${label === 'all' ? 'every request traced' : 'sampled 5 % (deployed)'}: CPU/request ${ratio.toFixed(3)}× of off (median of ${rounds} rounds, range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; off ${median(cpu.off).toFixed(0)} µs, +${extra.toFixed(0)} µs), tracing costs ${((ratio - 1) * 100).toFixed(1)} % more CPU = requests/s ${(1 / ratio).toFixed(3)}× of off\n`,
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
