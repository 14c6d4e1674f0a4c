/**
 * What a flooding client costs the shared rate limits: every counted hit is a paid DynamoDB
 * write, made before the request is even validated. A task that has seen a budget spent refuses
 * the rest of its window itself, with no write, and the limit still holds across tasks.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { capturedLogger, provision } from '@agora/tools/testing/testing';
import { until } from '@agora/tools/wait';
import { createServiceApp } from '../src/service-app.ts';
import { createSharedRateLimiter } from '../src/shared-rate-limit.ts';

const deployment = await provision('rate-writes');
const table = deployment.env.RATE_LIMITS_TABLE as string;
const limit = 5;

/** The read and write requests that reach the rate-limits table, counted as the SDK sends them. */
const calls = { writes: 0, reads: 0 };
deployment.clients.dynamo.middlewareStack.add(
  (next, context) => async (args) => {
    const input = args.input as { TableName?: string };
    if (input.TableName === table) {
      if (/^(PutItem|UpdateItem|DeleteItem)Command$/.test(String(context.commandName))) calls.writes += 1;
      else if (/^(GetItem|Query)Command$/.test(String(context.commandName))) calls.reads += 1;
    }
    return next(args);
  },
  { step: 'initialize', name: 'countRateLimitCalls' },
);
/** A clock-aligned minute's start, near now (the counters' TTL is real time). */
const minuteStart = () => Math.floor(Date.now() / 60_000) * 60_000;
const counted = async (work: () => Promise<void>) => {
  const before = { ...calls };
  await work();
  return { writes: calls.writes - before.writes, reads: calls.reads - before.reads };
};

async function task(service: string) {
  const app = await createServiceApp({
    config: { CORS_ORIGINS: '', BODY_LIMIT_BYTES: 65536, RATE_LIMIT_PER_MINUTE: limit, RATE_LIMITS_TABLE: table },
    logger: capturedLogger('test').logger,
    dynamo: deployment.clients.dynamo,
    documents: deployment.clients.documents,
    service,
    readinessTables: [],
    openApi: { title: 'Agora test', description: 'A fixture' },
  });
  app.get('/api/things', async () => ({ items: [] }));
  after(() => app.close());
  return app;
}

describe('a client flooding the per-client request limit', () => {
  it(`costs ${limit} writes a minute on one task, not one per request`, async () => {
    const app = await task(`flood-${Date.now()}`);
    // The limit counts in clock-aligned minutes: the flood starts early enough to end inside one.
    await until(() => new Date().getSeconds() < 40, 'the first two thirds of a minute', 65_000, 200);
    const started = Date.now();
    const statuses: number[] = [];
    const cost = await counted(async () => {
      for (let request = 0; request < 200; request++) statuses.push((await app.inject('/api/things')).statusCode);
    });
    assert.equal(Math.floor(Date.now() / 60_000), Math.floor(started / 60_000), 'the flood ended inside its minute');
    assert.deepEqual(statuses, [...Array(limit).fill(200), ...Array(200 - limit).fill(429)]);
    assert.deepEqual(cost, { writes: limit, reads: 0 });
    const refused = await app.inject('/api/things');
    assert.equal(refused.statusCode, 429);
    assert.ok(Number(refused.headers['retry-after']) >= 1, 'a refusal made locally still says when to retry');
  });

  it('still holds across two tasks, each learning once that the budget is spent', async () => {
    const service = `flood-two-${Date.now()}`;
    const tasks = [await task(service), await task(service)];
    await until(() => new Date().getSeconds() < 40, 'the first two thirds of a minute', 65_000, 200);
    const statuses: number[] = [];
    const cost = await counted(async () => {
      for (let request = 0; request < 100; request++) {
        statuses.push((await (tasks[request % 2] as (typeof tasks)[number]).inject('/api/things')).statusCode);
      }
    });
    assert.deepEqual(statuses, [...Array(limit).fill(200), ...Array(100 - limit).fill(429)]);
    // the limit's writes, and one by the task that had not yet seen it spent
    assert.deepEqual(cost, { writes: limit + 1, reads: 0 });
  });
});

describe('a spent budget, remembered by the task', () => {
  it('refuses without a write until its window ends, then counts again', async () => {
    let clock = minuteStart() + 10_000;
    const limiter = createSharedRateLimiter(deployment.clients.documents, table, () => clock);
    const budget = { name: `window-${Date.now()}`, max: 2, windowSeconds: 60 };
    const hits: number[] = [];
    const inWindow = await counted(async () => {
      for (let hit = 0; hit < 10; hit++) hits.push((await limiter.hit(budget, 'client')).hits);
    });
    // the store's caller (@fastify/rate-limit) refuses a count above max
    assert.deepEqual(hits, [1, 2, ...Array(8).fill(3)]);
    assert.deepEqual(inWindow, { writes: 2, reads: 0 });

    clock += 50_000; // the next minute: a new window, counted from one again
    const next = await counted(async () => {
      assert.equal((await limiter.hit(budget, 'client')).hits, 1);
    });
    assert.deepEqual(next, { writes: 1, reads: 0 });
  });

  it('spares the reads and writes of a spent account budget (take and peek) until its window ends', async () => {
    let clock = minuteStart() + 10_000;
    const limiter = createSharedRateLimiter(deployment.clients.documents, table, () => clock);
    const budget = { name: `account-${Date.now()}`, max: 3, windowSeconds: 60 };
    const allowed: boolean[] = [];
    const spending = await counted(async () => {
      for (let take = 0; take < 8; take++) allowed.push((await limiter.take(budget, 'ada')).allowed);
      assert.equal((await limiter.peek(budget, 'ada')).allowed, false);
    });
    assert.deepEqual(allowed, [true, true, true, false, false, false, false, false]);
    // the first take starts the window (a conditional count that fails, then the start): 4 writes for 3 hits
    assert.deepEqual(spending, { writes: 4, reads: 0 });

    clock += 60_000; // the window, which began with the first take, is over
    const renewed = await counted(async () => {
      assert.equal((await limiter.peek(budget, 'ada')).allowed, true);
      assert.equal((await limiter.take(budget, 'ada')).allowed, true);
    });
    // asked again: the peek reads, the take finds the old window over and starts one
    assert.deepEqual(renewed, { writes: 2, reads: 1 });
  });
});
