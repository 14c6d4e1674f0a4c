/**
 * `npm run bench:load` (not part of `npm test`): the forum and the inventory API through the
 * gateway at rising concurrency, loopback only, each step bounded in time (BENCH_SECONDS, default
 * 5) and in connections (1 to 64). Per step: requests/s, p99, the share of non-2xx answers and
 * errors (the first step with any is where errors begin), and how busy the emulator was: moto is
 * one Python process, so at ~100 % of one core it, not Agora, is what the figures measure.
 *   1. GET a 50-message page (forum: messages → one DynamoDB Query);
 * The machine's load average is printed too: above its core count, neither is the bound, the machine is.
 *   2. GET a store's items (inventory, signed in: one DynamoDB Query).
 */

import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { type RunningSystem, startSystem } from '../local/launcher.ts';
import { cpuMicros } from '../testing/process-cpu.ts';
import { autocannon, topicWithFiftyMessages } from './bench-fixtures.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const steps = [1, 2, 4, 8, 16, 32, 64];

/** The emulator's process: the one whose command line serves on the endpoint's port. */
async function emulatorPid(endpoint: string): Promise<number | undefined> {
  const port = new URL(endpoint).port;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const command = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const args = command.split('\0');
    if (args.some((arg) => arg.endsWith('serve.py')) && args.includes(port)) return Number(entry);
  }
  return undefined;
}

async function rise(label: string, url: string, emulator: number | undefined, headers: Record<string, string> = {}) {
  process.stdout.write(
    `\n${label}\n  ${'conn.'.padStart(5)} ${'req/s'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx+errors'.padStart(15)} ${'emulator CPU'.padStart(13)}   machine load\n`,
  );
  // warm-up: connections, JIT, the first token's key fetch are not in the first step
  await autocannon({ url, connections: 2, duration: 1, headers });
  let errorsBegin: number | undefined;
  let best = { connections: 0, rate: 0 };
  for (const connections of steps) {
    const before = emulator ? await cpuMicros(emulator) : 0;
    const result = await autocannon({ url, connections, duration: seconds, headers });
    const busy = emulator ? ((await cpuMicros(emulator)) - before) / 1e6 / seconds : Number.NaN;
    const failed = result.non2xx + result.errors + result.timeouts;
    if (failed > 0 && errorsBegin === undefined) errorsBegin = connections;
    if (result.requests.average > best.rate) best = { connections, rate: result.requests.average };
    process.stdout.write(
      `  ${String(connections).padStart(5)} ${result.requests.average.toFixed(0).padStart(8)} ${String(result.latency.p99).padStart(8)} ${`${((failed / Math.max(1, result.requests.total + result.errors + result.timeouts)) * 100).toFixed(1)} %`.padStart(15)} ${`${(busy * 100).toFixed(0)} % of a core`.padStart(13)}   ${loadavg()[0]?.toFixed(1)}${busy > 0.85 ? '  ← the emulator is the bound' : ''}\n`,
    );
  }
  process.stdout.write(
    `  peak ${best.rate.toFixed(0)} req/s at ${best.connections} connections; errors begin: ${errorsBegin === undefined ? `not up to ${steps.at(-1)} connections` : `at ${errorsBegin} connections`}\n`,
  );
}

process.stdout.write(
  `bench:load — ${seconds} s per step, ${steps.join(', ')} connections, loopback, ${availableParallelism()} cores\n`,
);
let system: RunningSystem | undefined;
try {
  system = await startSystem({
    prefix: `bench-${process.pid}`,
    gatewayPort: 0,
    logLevel: 'warn',
    serviceEnv: { RATE_LIMIT_PER_MINUTE: '100000000' },
  });
  const emulator = await emulatorPid(system.endpoint);
  const { topicId, token } = await topicWithFiftyMessages(system.gatewayUrl);
  await rise(
    'GET a 50-message page, through the gateway',
    `${system.gatewayUrl}/api/topics/${topicId}/messages?limit=50`,
    emulator,
  );
  await rise(
    "GET a store's items, through the gateway",
    `${system.gatewayUrl}/api/inventory/stores/Berlin/items?limit=50`,
    emulator,
    { authorization: `Bearer ${token}` },
  );
} finally {
  await system?.stop();
}
