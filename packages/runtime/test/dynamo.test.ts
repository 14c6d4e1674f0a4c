import assert from 'node:assert/strict';
import { test } from 'node:test';
import { provision } from '@agora/tools/testing/testing';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from '../src/dynamo.ts';

const quickBackoff = { baseMs: 1, capMs: 5, maxAttempts: 4 };
const roomyBackoff = { ...quickBackoff, maxAttempts: 6 };

/** Makes every BatchWriteItem on the emulator process only the first `kept(n)` of its n writes. */
function holdBack(deployment: Awaited<ReturnType<typeof provision>>, kept: (count: number) => number) {
  const sent: number[] = [];
  deployment.clients.dynamo.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { RequestItems?: Record<string, unknown[]> };
      const [table, writes] = Object.entries(input.RequestItems ?? {})[0] ?? [];
      if (!table || !writes) return next(args);
      sent.push(writes.length);
      const keep = writes.slice(0, kept(writes.length));
      const held = writes.slice(keep.length);
      const result = (
        keep.length > 0 ? await next({ ...args, input: { ...input, RequestItems: { [table]: keep } } }) : { output: {} }
      ) as { output: { UnprocessedItems?: Record<string, unknown[]> } };
      result.output.UnprocessedItems = held.length > 0 ? { [table]: held } : {};
      return result as never;
    },
    { step: 'initialize', name: 'holdBack', priority: 'low' },
  );
  return sent;
}

function storePuts(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    PutRequest: { Item: { uploadId: `store#s${index}`, storeList: 'store', store: `s${index}` } },
  }));
}

test('batchWriteAll sends UnprocessedItems again until every write lands, and counts its requests', async () => {
  const deployment = await provision('batch');
  const table = deployment.tableNames.uploadsTable as string;
  const sent = holdBack(deployment, (count) => Math.ceil(count / 2));
  const requests = await batchWriteAll(deployment.clients.documents, table, storePuts(30), {
    backoff: roomyBackoff,
    concurrency: 2,
  });
  // 25 → 13 kept, then 12 → 6, 6 → 3, 3 → 2, 1 → 1: five requests; 5 → 3, 2 → 1, 1 → 1: three.
  assert.equal(requests, sent.length);
  assert.equal(requests, 8);
  const { Items = [] } = await deployment.clients.documents.send(new ScanCommand({ TableName: table }));
  assert.equal(Items.length, 30);
});

test('batchWriteAll gives up after maxAttempts with an error saying how much was left', async () => {
  const deployment = await provision('batch');
  const table = deployment.tableNames.uploadsTable as string;
  const sent = holdBack(deployment, () => 0);
  await assert.rejects(
    batchWriteAll(deployment.clients.documents, table, storePuts(3), { backoff: quickBackoff }),
    new RegExp(`BatchWriteItem on ${table} left 3 of 3 writes unprocessed after 4 attempts`),
  );
  assert.deepEqual(sent, [3, 3, 3, 3]);
});
