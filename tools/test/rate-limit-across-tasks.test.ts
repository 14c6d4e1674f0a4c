/**
 * Issue 17, item 15: the per-client request limit (RATE_LIMIT_PER_MINUTE) holds across every task
 * of a service, as the account limits do. Two real topics processes share one rate-limits table;
 * one client alternating between them gets the limit in all, not the limit from each.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startServiceTask } from '../src/testing/service-task.ts';
import { provision } from '../src/testing/testing.ts';
import { until } from '../src/wait.ts';

const limit = 6;
const requests = limit + 4;
const minuteOf = (ms: number) => Math.floor(ms / 60_000);
const deployment = await provision('limits');

const topicsTask = () => startServiceTask('topics', deployment, { RATE_LIMIT_PER_MINUTE: String(limit) });

describe('the per-client request limit across two tasks of a service', () => {
  it(`allows one client ${limit} requests a minute in all, whichever task answers`, async () => {
    const tasks = await Promise.all([topicsTask(), topicsTask()]);
    // The limit counts in clock-aligned minutes: start in a minute's first quarter (waiting for the
    // next one if need be), so that even a loaded machine sends every request inside one window.
    await until(() => new Date().getSeconds() < 15, 'the first quarter of a minute', 65_000, 200);
    const firstSent = Date.now();
    const statuses: number[] = [];
    for (let request = 0; request < requests; request++) {
      const response = await fetch(`${tasks[request % 2]}/api/topics`);
      await response.arrayBuffer();
      statuses.push(response.status);
      if (response.status === 429) {
        assert.ok(Number(response.headers.get('retry-after')) >= 1, 'a 429 says when to retry');
        assert.match(String(response.headers.get('content-type')), /problem\+json/);
      }
    }
    const lastAnswered = Date.now();
    assert.equal(
      minuteOf(lastAnswered),
      minuteOf(firstSent),
      `${requests} requests took ${lastAnswered - firstSent} ms`,
    );
    assert.equal(statuses.filter((status) => status === 200).length, limit, statuses.join(' '));
    assert.deepEqual(
      statuses.slice(limit),
      Array(requests - limit).fill(429),
      'both tasks refuse once the limit is spent',
    );
  });
});
