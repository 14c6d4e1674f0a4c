/**
 * The rolling deploy, rehearsed under load (issue 13, item 6), bounded: two tasks of each API
 * service behind the gateway's target groups, every task replaced one at a time while a mixed
 * read/write load runs through the gateway. No request may fail, and every write that got a
 * 2xx must be there afterwards.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiServices } from '@agora/catalogue';
import { uniquePrefix } from '@agora/tools/testing/testing';
import { rehearseRollingDeploy } from '../src/local/rehearsal.ts';

test('a rolling deploy of every API task under load fails no request and loses no write', {
  timeout: 240_000,
}, async () => {
  const figures = await rehearseRollingDeploy({
    prefix: uniquePrefix('roll'),
    requestsBefore: 60,
    maxRequestsDuring: 5000,
    maxDurationMs: 180_000,
  });
  const apis = apiServices().length;
  assert.equal(figures.replaced.length, 2 * apis, 'every task of every API service was replaced');
  for (const task of figures.replaced) {
    assert.equal(task.exitStatus, 0, `${task.old} exited gracefully`);
    assert.equal(task.cutOff, 0, `${task.old} had no request cut off by the deregistration delay`);
  }
  assert.equal(figures.before.sent, 60);
  assert.ok(figures.during.sent > 0, 'load ran during the rollout');
  assert.deepEqual([...figures.before.failures, ...figures.during.failures], []);
  assert.equal(figures.before.failed + figures.during.failed, 0);
  assert.ok(figures.writes > 0, 'writes were made');
  assert.deepEqual(figures.missing, []);
});
