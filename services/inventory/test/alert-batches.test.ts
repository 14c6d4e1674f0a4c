/**
 * Alerts don't set the pace: a file's stock alerts go out 10 per SNS PublishBatch, each exactly
 * once, and an entry SNS fails on its side is sent again. SNS requests are counted (and failures
 * injected) by a middleware on the worker's own SNS client, in front of the real emulator.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestDeployment } from '@agora/tools/testing/testing';
import { dropFile, finishedUpload, inventoryDeployment, startWorker } from './worker-harness.ts';

const zeros = 200;
const rows = zeros * 7;

/** The loader applies 100 rows at a time and publishes each chunk's alerts 10 per PublishBatch. */
function expectedBatches(): number {
  let batches = 0;
  for (let start = 0; start < rows; start += 100) {
    let inChunk = 0;
    for (let index = start; index < Math.min(rows, start + 100); index++) if (index % 7 === 3) inChunk += 1;
    batches += Math.ceil(inChunk / 10);
  }
  return batches;
}

function fileWithZeros(): string {
  const lines = ['store,item,count'];
  for (let index = 0; index < rows; index++) {
    lines.push(`Alert Store,item ${index},${index % 7 === 3 ? 0 : 5}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Counts the worker's SNS requests by command; `failFirst` entries of the first PublishBatch come back as failed. */
function meterSns(deployment: TestDeployment, failFirst = 0) {
  const requests: Record<string, number> = {};
  let toFail = failFirst;
  deployment.clients.sns.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      requests[command] = (requests[command] ?? 0) + 1;
      const input = args.input as { PublishBatchRequestEntries?: { Id: string }[] };
      if (command !== 'PublishBatchCommand' || toFail === 0 || !input.PublishBatchRequestEntries) return next(args);
      // Only the kept entries reach SNS; the others are answered as failed on SNS's side.
      const failing = input.PublishBatchRequestEntries.slice(0, toFail);
      toFail = 0;
      const kept = input.PublishBatchRequestEntries.slice(failing.length);
      const result = (await next({ ...args, input: { ...input, PublishBatchRequestEntries: kept } })) as {
        output: { Failed?: unknown[] };
      };
      result.output.Failed = failing.map((entry) => ({
        Id: entry.Id,
        Code: 'InternalError',
        SenderFault: false,
        Message: 'injected',
      }));
      return result as never;
    },
    { step: 'initialize', name: 'meterSns' },
  );
  return requests;
}

/** Every alert received up to the barrier's (moto delivers SNS to SQS as it publishes, in order). */
async function alertsThroughBarrier(probe: Awaited<ReturnType<typeof inventoryDeployment>>['alerts']) {
  const received = await probe.receiveThrough((alert) => alert.attributes.item === 'barrier', 60_000);
  return received.map((alert) => `${alert.attributes.item}|${alert.attributes.kind}`);
}

test('200 out-of-stock alerts go out 10 per PublishBatch (28 requests, not 200), each alert once', {
  timeout: 300_000,
}, async () => {
  const { deployment, alerts } = await inventoryDeployment();
  const requests = meterSns(deployment);
  await startWorker(deployment);
  await dropFile(deployment, 'zeros.csv', fileWithZeros());
  assert.equal((await finishedUpload(deployment, 'zeros.csv', 1, 180_000)).status, 'done');
  assert.equal(requests.PublishCommand ?? 0, 0, 'no alert published on its own');
  assert.equal(expectedBatches(), 28);
  assert.equal(requests.PublishBatchCommand, expectedBatches());

  // A barrier published after the file's alerts: everything before it has been received with it.
  await dropFile(deployment, 'barrier.csv', 'store,item,count\nAlert Store,barrier,0\n');
  await finishedUpload(deployment, 'barrier.csv', 1, 180_000);
  const received = await alertsThroughBarrier(alerts);
  const expected = Array.from({ length: zeros }, (_, index) => `item ${index * 7 + 3}|out-of-stock`);
  assert.deepEqual(received.sort(), [...expected, 'barrier|out-of-stock'].sort());
});

test('alerts SNS fails on its side are sent again, and still arrive once', { timeout: 300_000 }, async () => {
  const { deployment, alerts } = await inventoryDeployment();
  const requests = meterSns(deployment, 4);
  await startWorker(deployment);
  await dropFile(deployment, 'zeros.csv', fileWithZeros());
  assert.equal((await finishedUpload(deployment, 'zeros.csv', 1, 180_000)).status, 'done');
  assert.equal(requests.PublishBatchCommand, expectedBatches() + 1, 'one more request: the 4 failed entries again');

  await dropFile(deployment, 'barrier.csv', 'store,item,count\nAlert Store,barrier,0\n');
  await finishedUpload(deployment, 'barrier.csv', 1, 180_000);
  const received = await alertsThroughBarrier(alerts);
  assert.equal(new Set(received).size, received.length, 'no duplicate');
  assert.equal(received.length, zeros + 1);
});
