/**
 * Unchanged rows cost no writes: a store's daily full snapshot writes only what changed. Write
 * requests and write units (items put or updated) on the inventory table are counted by a
 * middleware on the worker's own DynamoDB client, as the SDK sends them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestDeployment } from '@agora/tools/testing/testing';
import { dropFile, finishedUpload, inventoryDeployment, startWorker, stock } from './worker-harness.ts';

const items = 1000;
const stores = ['North', 'South'];

function countOf(index: number): number {
  return index % 7 === 3 ? 0 : (index % 13) + 1;
}

/** 5 % of the counts changed: every 20th item; a zero comes back, some counts drop to zero, others rise. */
function changedCountOf(index: number): number {
  const before = countOf(index);
  if (index % 20 !== 0) return before;
  if (before === 0) return 9;
  return index % 40 === 0 ? 0 : before + 100;
}

function snapshot(count: (index: number) => number): string {
  const lines = ['store,item,count'];
  for (const store of stores)
    for (let index = 0; index < items; index++) lines.push(`${store},item ${index},${count(index)}`);
  return `${lines.join('\n')}\n`;
}

/** Write requests and write units the SDK sends to the inventory table, from now on. */
function countInventoryWrites(deployment: TestDeployment) {
  const table = deployment.env.INVENTORY_TABLE as string;
  const counts = { requests: 0, units: 0 };
  deployment.clients.dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown[]> };
      const command = String(context.commandName);
      if (command === 'BatchWriteItemCommand' && input.RequestItems?.[table]) {
        counts.requests += 1;
        counts.units += input.RequestItems[table].length;
      } else if (/^(PutItem|UpdateItem|DeleteItem)Command$/.test(command) && input.TableName === table) {
        counts.requests += 1;
        counts.units += 1;
      }
      return next(args);
    },
    { step: 'initialize', name: 'countInventoryWrites' },
  );
  return {
    since() {
      const start = { ...counts };
      return () => ({ requests: counts.requests - start.requests, units: counts.units - start.units });
    },
  };
}

test('the same snapshot again writes nothing; a 5 %-changed one writes its changes; alerts exactly once', {
  timeout: 300_000,
}, async () => {
  const { deployment, alerts } = await inventoryDeployment();
  const writes = countInventoryWrites(deployment);
  await startWorker(deployment);
  const rows = stores.length * items;

  let measured = writes.since();
  await dropFile(deployment, 'day1.csv', snapshot(countOf));
  assert.equal((await finishedUpload(deployment, 'day1.csv', 1, 180_000)).status, 'done');
  const first = measured();
  assert.ok(first.units >= rows, `the first load writes every row (${first.units} units)`);

  measured = writes.since();
  await dropFile(deployment, 'day2.csv', snapshot(countOf));
  assert.equal((await finishedUpload(deployment, 'day2.csv', 1, 180_000)).status, 'done');
  const same = measured();
  assert.ok(same.requests <= rows / 1000, `the same file again: ${same.requests} write requests for ${rows} rows`);

  measured = writes.since();
  await dropFile(deployment, 'day3.csv', snapshot(changedCountOf));
  assert.equal((await finishedUpload(deployment, 'day3.csv', 1, 180_000)).status, 'done');
  const changed = measured();
  assert.ok(
    changed.units <= first.units / 10,
    `5 % changed: ${changed.units} write units, the first load ${first.units}`,
  );

  const expected: Record<string, number> = {};
  for (const store of stores)
    for (let index = 0; index < items; index++) expected[`${store}/item ${index}`] = changedCountOf(index);
  assert.deepEqual(
    await stock(deployment),
    Object.fromEntries(Object.entries(expected).sort(([a], [b]) => (a < b ? -1 : 1))),
  );

  // The barrier: one more transition, published after everything above.
  await dropFile(deployment, 'barrier.csv', 'store,item,count\nBarrier,the last one,0\n');
  await finishedUpload(deployment, 'barrier.csv', 1, 180_000);
  const received = await alerts.receiveThrough((alert) => alert.attributes.store === 'Barrier', 60_000);
  const got = received.map((alert) => `${alert.attributes.store}|${alert.attributes.item}|${alert.attributes.kind}`);
  const want = ['Barrier|the last one|out-of-stock'];
  for (const store of stores) {
    for (let index = 0; index < items; index++) {
      if (countOf(index) === 0) want.push(`${store}|item ${index}|out-of-stock`);
      const before = countOf(index);
      const after = changedCountOf(index);
      if (before === 0 && after > 0) want.push(`${store}|item ${index}|back-in-stock`);
      if (before > 0 && after === 0) want.push(`${store}|item ${index}|out-of-stock`);
    }
  }
  assert.deepEqual(got.sort(), want.sort(), 'each transition alerted once, the repeated file none');
});
