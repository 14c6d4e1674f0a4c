/**
 * `npm run bench:startup` (not part of `npm test`): what scaling out waits for. Each API service is
 * started the way its container starts it (Dockerfile.base's CMD: `node --env-file-if-exists=…
 * --import=@agora/runtime/instrument <entry>`, NODE_ENV=production, the catalogue's Node flags as NODE_OPTIONS, the environment its
 * task gets, tracing on as every ECS task has it), against the running emulator; measured from spawn to its first 200 on /ready, and
 * its RSS then (/proc/<pid>/status). The baseline, in the same run: a bare Fastify hello-world
 * from spawn to its first 200 on /health. Beside each: the process's own CPU time by then (from the
 * OS, so a loaded machine stretches it less than the wall time). BENCH_STARTS (default 3) per service, the median kept.
 * Every start reads a warm Node compile cache (NODE_COMPILE_CACHE), as the image's does: for a
 * service, warmed the way Dockerfile.base warms it (its start command without its environment,
 * which compiles the entry's module graph and stops at the configuration); for the baseline, by
 * one unmeasured start. BENCH_COMPILE_CACHE=off measures without one (a cold start);
 * BENCH_PROFILE_DIR=<dir> writes each measured start's CPU profile there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceDefinition, services, traceSamplingEnvironment } from '@agora/catalogue';
import { freePort } from '../local/emulator.ts';
import { instrumentModule, type RunningSystem, startSystem } from '../local/launcher.ts';
import { repoRoot } from '../paths.ts';
import { startOtlpReceiver } from '../testing/otlp-receiver.ts';
import { cpuMicros } from '../testing/process-cpu.ts';

const starts = Number(process.env.BENCH_STARTS ?? 3);
const withCompileCache = process.env.BENCH_COMPILE_CACHE !== 'off';
/** BENCH_PROFILE_DIR: each measured start also writes a CPU profile there (node --cpu-prof), to see where its time went. */
const profileFlags = [
  ...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []),
  // BENCH_NODE_FLAGS: more flags for each measured start (e.g. --import=<a timeline probe>)
  ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
];

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** Spawns `args`, polls `url` every 5 ms (bounded: 30 s) until it answers 200; the time that took and the RSS then. */
async function startOnce(args: string[], env: Record<string, string>, url: string) {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...profileFlags, ...args], {
    cwd: repoRoot,
    env,
    stdio: 'ignore',
  });
  try {
    while (performance.now() - started < 30_000) {
      if (child.exitCode !== null) throw new Error(`${args.at(-1)} exited with ${child.exitCode}`);
      const ok = await fetch(url).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ok) {
        const seconds = (performance.now() - started) / 1000;
        const pid = child.pid as number;
        return { seconds, rss: await rssBytes(pid), cpuSeconds: (await cpuMicros(pid)) / 1e6 };
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`${url} did not answer within 30 s`);
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  }
}

async function startOnFreePort(args: string[], env: Record<string, string>, path: string) {
  const port = await freePort();
  return startOnce(args, { ...env, PORT: String(port) }, `http://127.0.0.1:${port}${path}`);
}

async function median(args: string[], env: Record<string, string>, path: string) {
  const runs: { seconds: number; rss: number; cpuSeconds: number }[] = [];
  for (let run = 0; run < starts; run++) runs.push(await startOnFreePort(args, env, path));
  runs.sort((a, b) => a.seconds - b.seconds);
  return runs[Math.floor(runs.length / 2)] as { seconds: number; rss: number; cpuSeconds: number };
}

/**
 * Dockerfile.base's warm-up: the start command with no service environment (tracing on, as on ECS),
 * which must stop at the configuration (exit 1, "Invalid configuration: …") and leave the cache populated.
 */
async function warmLikeTheImage(args: string[], cacheDir: string) {
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    NODE_COMPILE_CACHE: cacheDir,
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
  };
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(child, 'exit');
  // (outside a container Node first says /run/agora/service.env is absent)
  if (code !== 1 || !/^Invalid configuration:/m.test(stderr)) {
    throw new Error(`warm-up of ${args.at(-1)}: exit ${code}: ${stderr}`);
  }
  if ((await readdir(cacheDir, { recursive: true })).length === 0) throw new Error(`${cacheDir} is empty`);
}

const format = (value: number, digits = 0) => value.toLocaleString('en', { maximumFractionDigits: digits });
const megabytes = (bytes: number) => `${format(bytes / 1024 / 1024, 1)} MB`;

process.stdout.write(`bench:startup — median of ${starts} starts each, spawn to first 200\n\n`);
process.stdout.write(
  withCompileCache ? '  with a warm Node compile cache, as the image has\n\n' : '  without a compile cache\n\n',
);
let system: RunningSystem | undefined;
// Tracing on, as every ECS task has it (infra/src/observability.ts: the sidecar's endpoint, the
// catalogue's deployed sampling): its SDK and instrumentations load before the app, so they count here too.
const receiver = await startOtlpReceiver({ keep: false });
const deployedTracing = {
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
  ...traceSamplingEnvironment(),
};
const cacheRoot = await mkdtemp(join(tmpdir(), 'agora-compile-cache-'));
try {
  system = await startSystem({ prefix: `bench-${process.pid}`, gatewayPort: 0, logLevel: 'info' });
  const cacheFor = (name: string): Record<string, string> =>
    withCompileCache ? { NODE_COMPILE_CACHE: join(cacheRoot, name) } : {};
  const bareEnv = { PATH: process.env.PATH ?? '', ...cacheFor('bare') };
  if (withCompileCache) await startOnFreePort(['tools/src/cli/bench-hello.ts'], bareEnv, '/health');
  const bare = await median(['tools/src/cli/bench-hello.ts'], bareEnv, '/health');
  process.stdout.write(
    `  ${'bare Fastify hello-world'.padEnd(26)} ${format(bare.seconds, 3)} s   RSS ${megabytes(bare.rss)}   CPU ${format(bare.cpuSeconds, 2)} s   (load average ${loadavg()[0]?.toFixed(1)})\n`,
  );
  for (const service of services.filter((candidate) => candidate.kind === 'api') as ServiceDefinition[]) {
    const running = system.processes.get(service.name);
    if (!running) continue;
    const env: Record<string, string> = {
      ...running.env,
      ...deployedTracing,
      OTEL_SERVICE_NAME: service.name,
      NODE_ENV: 'production',
      ...(service.nodeOptions ? { NODE_OPTIONS: service.nodeOptions } : {}),
      ...cacheFor(service.name),
    };
    const args = [
      '--env-file-if-exists=/run/agora/service.env',
      `--import=${instrumentModule}`,
      `services/${service.workspace}/${service.entry}`,
    ];
    const cacheDir = env.NODE_COMPILE_CACHE;
    if (cacheDir) await warmLikeTheImage(args, cacheDir);
    const measured = await median(args, env, '/ready');
    process.stdout.write(
      `  ${service.name.padEnd(26)} ${format(measured.seconds, 3)} s (${format(measured.seconds / bare.seconds, 1)}× bare; target ≤ 0.5 s)   RSS ${megabytes(measured.rss)} (target ≤ 100 MB)   CPU ${format(measured.cpuSeconds, 2)} s (${format(measured.cpuSeconds / bare.cpuSeconds, 1)}× bare)   (load average ${loadavg()[0]?.toFixed(1)})\n`,
    );
  }
} finally {
  await system?.stop();
  await receiver.close();
  await rm(cacheRoot, { recursive: true, force: true });
}
