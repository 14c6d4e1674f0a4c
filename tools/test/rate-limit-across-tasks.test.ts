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

const limit = 8;
const deployment = await provision('limits');

const topicsTask = () => startServiceTask('topics', deployment, { RATE_LIMIT_PER_MINUTE: String(limit) });

describe('the per-client request limit across two tasks of a service', () => {
  it(`allows one client ${limit} requests a minute in all, whichever task answers`, async () => {
    const tasks = await Promise.all([topicsTask(), topicsTask()]);
    // The limit counts in clock-aligned minutes: start well inside one, so all requests share it.
    await until(() => new Date().getSeconds() < 45, 'a minute with time to spare', 20_000, 200);
    const statuses: number[] = [];
    for (let request = 0; request < limit * 2; request++) {
      const response = await fetch(`${tasks[request % 2]}/api/topics`);
      await response.arrayBuffer();
      statuses.push(response.status);
      if (response.status === 429) {
        assert.ok(Number(response.headers.get('retry-after')) >= 1, 'a 429 says when to retry');
        assert.match(String(response.headers.get('content-type')), /problem\+json/);
      }
    }
    assert.equal(statuses.filter((status) => status === 200).length, limit, statuses.join(' '));
    assert.deepEqual(statuses.slice(limit), Array(limit).fill(429), 'both tasks refuse once the limit is spent');
  });
});
