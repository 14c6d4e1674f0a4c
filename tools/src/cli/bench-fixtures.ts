/**
 * What the request benchmarks start from and measure with: the bare Fastify baseline process and
 * the whole system beside it, a forum topic with 50 messages, a process's own CPU time, and a
 * bounded loop of requests, a few at a time.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { freePort } from '../local/emulator.ts';
import { type RunningSystem, type SystemOptions, startSystem } from '../local/launcher.ts';
import { repoRoot } from '../paths.ts';
import { until } from '../wait.ts';
import { callApi } from './api-call.ts';

/** What autocannon reports of a run (the fields the benchmarks read). */
export interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** autocannon (CommonJS, no types): a bounded HTTP load on one URL. */
export const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<LoadResult>;

export interface Hello {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** bench-hello.ts in its own process: the baseline every request figure is divided by. */
export async function startHello(): Promise<Hello> {
  const port = await freePort();
  const child = spawn(process.execPath, ['tools/src/cli/bench-hello.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await once(child.stdout, 'data');
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** A user, their token, and a topic with 50 messages, made through the API. */
export async function topicWithFiftyMessages(gateway: string) {
  const credentials = { username: `bench_${process.pid}`, password: 'correct horse battery' };
  await callApi(gateway, 'POST', '/api/users', { ...credentials, displayName: 'Bench Mark' });
  const token = (await callApi(gateway, 'POST', '/api/auth/login', credentials)).body.accessToken as string;
  const topic = await callApi(gateway, 'POST', '/api/topics', { title: 'Fifty messages' }, token);
  const topicId = topic.body.topicId as string;
  await until(
    async () => (await callApi(gateway, 'GET', `/api/topics/${topicId}/messages`)).status === 200,
    'the topic to reach the messages service',
    10_000,
    100,
  );
  for (let i = 0; i < 50; i++) {
    const posted = await callApi(gateway, 'POST', `/api/topics/${topicId}/messages`, { body: `message ${i}` }, token);
    if (posted.status !== 201) throw new Error(`posting failed: ${posted.status}`);
  }
  return { topicId, token, credentials };
}

/**
 * The bare Fastify baseline and the whole system (loopback, the gateway on a free port, this
 * benchmark's own resource prefix), for `body`; both stopped after it, whatever it did.
 */
export async function withSystemAndBaseline<T>(
  options: SystemOptions,
  body: (system: RunningSystem, hello: Hello) => Promise<T>,
): Promise<T> {
  const hello = await startHello();
  let system: RunningSystem | undefined;
  try {
    system = await startSystem({ prefix: `bench-${process.pid}`, gatewayPort: 0, ...options });
    return await body(system, hello);
  } finally {
    await system?.stop();
    await hello.stop();
  }
}

/** Calls `send(0)` … `send(count - 1)`, at most `concurrency` at a time. */
export async function inParallel(count: number, concurrency: number, send: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await send(next++);
    }),
  );
}
