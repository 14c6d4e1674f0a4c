/**
 * `npm run bench:requests` (not part of `npm test`): what one request costs each process, in the
 * two units a bill shows and the emulator's speed does not change: log bytes (CloudWatch Logs
 * ingestion) and the process's own CPU time, read from the OS (/proc/<pid>/stat), loopback only,
 * a fixed number of requests per step.
 *   1. log bytes per 2xx request: the platform's base app now, against the log format it had
 *      before (Fastify's request logging with pino, `severity` + `level`, ISO time, service),
 *      both in this process on the same route;
 *   2. the whole system at LOG_LEVEL=info through the gateway: for a 50-message page, a login and a
 *      post, log bytes and CPU-µs per request of the gateway and of each service on the path;
 *   3. CPU-µs per `GET /health`: a bare Fastify hello-world vs the users service, directly, in
 *      BENCH_ROUNDS (default 5) rounds that alternate the two, with the load average beside each.
 *   BENCH_REQUESTS (default 1000) per step; BENCH_HEALTH_REQUESTS (default 10,000) per /health round;
 *   BENCH_ONLY=health: step 3 alone.
 */
import { loadavg } from 'node:os';
import { Writable } from 'node:stream';
import { createBaseApp } from '@agora/runtime/http';
import { createLogger } from '@agora/runtime/logger';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import type { RunningSystem } from '../local/launcher.ts';
import { cpuMicros } from '../testing/process-cpu.ts';
import { until } from '../wait.ts';
import { callApi } from './api-call.ts';
import { inParallel, topicWithFiftyMessages, withSystemAndBaseline } from './bench-fixtures.ts';
import { median } from './bench-statistics.ts';

const requests = Number(process.env.BENCH_REQUESTS ?? 1000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
/** GET /health requests per round: enough that the OS's 10 ms CPU ticks are a small part of each figure */
const healthRequests = Number(process.env.BENCH_HEALTH_REQUESTS ?? 10_000);
/** BENCH_ONLY=health: the /health rounds alone */
const healthOnly = process.env.BENCH_ONLY === 'health';
const format = (value: number, digits = 0) => value.toLocaleString('en', { maximumFractionDigits: digits });

/** A stream that only counts what is written to it. */
function byteCounter() {
  let bytes = 0;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });
  return { stream, bytes: () => bytes };
}

/** The log format before the access log (Fastify's two request lines, pino as configured then). */
function previousFormatLogger(destination: Writable) {
  return pino(
    {
      level: 'info',
      base: { service: 'messages' },
      formatters: { level: (label) => ({ severity: label.toUpperCase(), level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

const route = '/api/topics/:topicId/messages';
const url = '/api/topics/0192e3f4-5a6b-7c8d-9e0f-123456789abc/messages?limit=50';

async function inProcessLogBytes() {
  const before = byteCounter();
  const previous = Fastify({ loggerInstance: previousFormatLogger(before.stream) as FastifyBaseLogger });
  previous.get(route, async () => ({ items: [] }));
  const now = byteCounter();
  const current = await createBaseApp({
    logger: createLogger({ level: 'info', destination: now.stream }),
    corsOrigins: '',
    bodyLimitBytes: 1024,
    rateLimitPerMinute: 1_000_000,
    readiness: async () => {},
  });
  current.get(route, async () => ({ items: [] }));
  for (let index = 0; index < requests; index++) {
    const headers = { 'x-request-id': crypto.randomUUID(), 'user-agent': 'bench/1' };
    if ((await previous.inject({ url, headers })).statusCode !== 200) throw new Error('the previous format app failed');
    if ((await current.inject({ url, headers })).statusCode !== 200) throw new Error('the base app failed');
  }
  await previous.close();
  await current.close();
  return { previous: before.bytes() / requests, current: now.bytes() / requests };
}

interface Meter {
  readonly name: string;
  readonly pid: number;
  bytes: number;
  accessLines: number;
}

function meterLogs(system: RunningSystem, meters: Map<string, Meter>) {
  for (const [name, running] of system.processes) {
    if (running.child.pid !== undefined) meters.set(name, { name, pid: running.child.pid, bytes: 0, accessLines: 0 });
  }
}

/** Runs `send` `requests` times (`concurrency` at a time), and reports each process's log bytes and CPU per request. */
async function step(
  meters: Map<string, Meter>,
  label: string,
  send: (index: number) => Promise<void>,
  concurrency = 4,
) {
  const start = new Map<string, { bytes: number; lines: number; cpu: number }>();
  for (const meter of meters.values()) {
    start.set(meter.name, { bytes: meter.bytes, lines: meter.accessLines, cpu: await cpuMicros(meter.pid) });
  }
  await inParallel(requests, concurrency, send);
  // A positive barrier: every request's access line reached us from the gateway.
  const gateway = meters.get('gateway') as Meter;
  const gatewayLines = start.get('gateway')?.lines ?? 0;
  await until(async () => gateway.accessLines - gatewayLines >= requests, 'the gateway access lines', 10_000, 50);
  process.stdout.write(`\n${label}\n`);
  for (const meter of meters.values()) {
    const before = start.get(meter.name) as { bytes: number; lines: number; cpu: number };
    const lines = meter.accessLines - before.lines;
    if (lines < requests / 2) continue; // not on this request's path (its lines are health checks)
    const cpu = (await cpuMicros(meter.pid)) - before.cpu;
    process.stdout.write(
      `  ${meter.name.padEnd(12)} ${format((meter.bytes - before.bytes) / requests, 1).padStart(6)} log bytes/request   ${format(cpu / requests).padStart(6)} CPU-µs/request   (${lines} access lines)\n`,
    );
  }
}

/** CPU-µs per GET /health of one process, over `requests` requests, 4 at a time. */
async function healthCpu(base: string, pid: number): Promise<number> {
  for (let index = 0; index < 200; index++) await (await fetch(`${base}/health`)).text(); // warm-up
  const before = await cpuMicros(pid);
  await inParallel(healthRequests, 4, async () => {
    const response = await fetch(`${base}/health`);
    if (response.status !== 200) throw new Error(`${base}/health answered ${response.status}`);
    await response.text();
  });
  return ((await cpuMicros(pid)) - before) / healthRequests;
}

process.stdout.write(`bench:requests — ${format(requests)} requests per step\n\n`);
const logBytes = healthOnly ? undefined : await inProcessLogBytes();
if (logBytes)
  process.stdout.write(
    `log bytes per 2xx request, same route, this process:\n  before (Fastify request logging) ${format(logBytes.previous, 1)}   now (access line) ${format(logBytes.current, 1)}   now ÷ before ${format(logBytes.current / logBytes.previous, 2)}   (target ≤ 200 bytes)\n`,
  );

const meters = new Map<string, Meter>();
await withSystemAndBaseline(
  {
    logLevel: 'info',
    serviceEnv: {
      RATE_LIMIT_PER_MINUTE: '100000000',
      LOGIN_ATTEMPTS_PER_MINUTE: '100000000',
      LOGIN_ATTEMPTS_PER_CLIENT_PER_MINUTE: '100000000',
    },
    onLog: (name, line) => {
      const meter = meters.get(name);
      if (!meter) return;
      meter.bytes += Buffer.byteLength(line) + 1;
      if (line.includes('"status":') && line.includes('"route":')) meter.accessLines += 1;
      if (line.includes('"level":"error"')) process.stderr.write(`${name}: ${line}\n`);
    },
  },
  async (system, hello) => {
    meterLogs(system, meters);
    const gateway = system.gatewayUrl;
    if (!healthOnly) {
      const { topicId, token, credentials } = await topicWithFiftyMessages(gateway);
      const expect = (answer: { status: number; body: unknown }, wanted: number, what: string) => {
        if (answer.status !== wanted)
          throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      };

      await step(meters, 'GET a 50-message page through the gateway', async () => {
        const page = await callApi(gateway, 'GET', `/api/topics/${topicId}/messages?limit=50`);
        expect(page, 200, 'the page');
      });
      await step(meters, 'POST /api/auth/login through the gateway', async () => {
        expect(await callApi(gateway, 'POST', '/api/auth/login', credentials), 200, 'login');
      });
      await step(
        meters,
        'POST a message through the gateway',
        async (index) => {
          const posted = await callApi(
            gateway,
            'POST',
            `/api/topics/${topicId}/messages`,
            { body: `b ${index}` },
            token,
          );
          expect(posted, 201, 'the post');
          // one at a time: the emulator fails (HTTP 500) on concurrent transactions on one topic
        },
        1,
      );
    }

    const users = system.processes.get('users');
    if (!users?.child.pid) throw new Error('no users process');
    // Rounds alternate the two, so a change in the machine's load shifts both sides of a round alike.
    process.stdout.write(`\nCPU-µs per GET /health, directly, ${format(healthRequests)} requests a round:\n`);
    const ratios: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const bare = await healthCpu(hello.url, hello.pid);
      const service = await healthCpu(users.url, users.child.pid);
      ratios.push(service / bare);
      process.stdout.write(
        `  round ${round}: bare Fastify ${format(bare)}   users service ${format(service)}   service ÷ bare ${format(service / bare, 2)}   (load average ${loadavg()
          .map((load) => format(load, 1))
          .join(' ')})\n`,
      );
    }
    process.stdout.write(
      `  median service ÷ bare ${format(median(ratios), 2)} over ${rounds} rounds   (target ≤ 1.5)\n`,
    );
  },
);
