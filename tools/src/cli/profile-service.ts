/**
 * `node tools/src/cli/profile-service.ts [service] [path] [requests]` (not part of `npm test`):
 * where one service's CPU goes on one route. Starts the system (emulator, every service), then a
 * second copy of `service` (users by default) as the launcher starts it, with `--cpu-prof`, sends
 * it `requests` (default 20,000) GETs of `path` (default /health), 4 at a time, after a warm-up,
 * and stops it (`{topic}` in the path: a topic with 50 messages, made first); the bare Fastify hello-world gets the same with PROFILE_BARE=1. The .cpuprofile
 * lands in PROFILE_DIR (default /tmp/agora-profiles): summarise it with
 * `node services/inventory/bench/profile-summary.ts <file>`. PROFILE_CPU=0: no profile, the CPU figure
 * only; PROFILE_LOG_LEVEL, PROFILE_NODE_OPTIONS: the copy's LOG_LEVEL and NODE_OPTIONS.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { freePort } from '../local/emulator.ts';
import { instrumentModule, type RunningSystem, startSystem } from '../local/launcher.ts';
import { repoRoot } from '../paths.ts';
import { cpuMicros } from '../testing/process-cpu.ts';
import { waitForHttp } from '../wait.ts';
import { inParallel, topicWithFiftyMessages } from './bench-fixtures.ts';

const [serviceName = 'users', path = '/health', count = '20000'] = process.argv.slice(2);
const requests = Number(count);
const profileDir = process.env.PROFILE_DIR ?? '/tmp/agora-profiles';
const bare = process.env.PROFILE_BARE === '1';
await mkdir(profileDir, { recursive: true });

let system: RunningSystem | undefined;
let copy: ChildProcess | undefined;
// Stopped early (Ctrl-C, SIGTERM): the copy and the system stop too, none of their processes left behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    copy?.kill('SIGTERM');
    await system?.stop();
    process.exit(130);
  });
}
try {
  let entry = 'tools/src/cli/bench-hello.ts';
  let env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  if (!bare) {
    system = await startSystem({ prefix: `profile-${process.pid}`, gatewayPort: 0, logLevel: 'info' });
    const running = system.processes.get(serviceName);
    if (!running) throw new Error(`no ${serviceName} in the system`);
    entry = running.child.spawnargs.at(-1) as string;
    env = { ...running.env };
  }
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...(process.env.PROFILE_CPU === '0' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]),
      `--import=${instrumentModule}`,
      entry,
    ],
    {
      cwd: repoRoot,
      env: {
        ...env,
        PORT: String(port),
        ...(process.env.PROFILE_LOG_LEVEL ? { LOG_LEVEL: process.env.PROFILE_LOG_LEVEL } : {}),
        // the per-client request limit out of the way of a profile's thousands of requests from one address
        RATE_LIMIT_PER_MINUTE: '100000000',
        ...(process.env.PROFILE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.PROFILE_NODE_OPTIONS } : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  copy = child;
  // its log lines read and dropped, as the launcher reads them (a pipe, not /dev/null)
  child.stdout.resume();
  // {topic}: a topic with 50 messages, made through the gateway (a 50-message page: `/api/topics/{topic}/messages?limit=50`)
  const topicId = path.includes('{topic}') && system ? (await topicWithFiftyMessages(system.gatewayUrl)).topicId : '';
  const url = `http://127.0.0.1:${port}${path.replace('{topic}', topicId)}`;
  await waitForHttp(url, { timeoutMs: 60_000 });
  const get = async () => {
    const response = await fetch(url);
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    await response.text();
  };
  await inParallel(500, 4, get);
  const before = await cpuMicros(child.pid as number);
  await inParallel(requests, 4, get);
  const micros = (await cpuMicros(child.pid as number)) - before;
  process.stdout.write(
    `${bare ? 'bare Fastify' : serviceName} ${path}: ${(micros / requests).toFixed(0)} CPU-µs/request\n`,
  );
  child.kill('SIGTERM');
  await once(child, 'exit');
} finally {
  await system?.stop();
}
