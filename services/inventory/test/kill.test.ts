/**
 * Crash safety: a worker process SIGKILLed at five points of a 50,000-row file, restarted each
 * time, ends with the same table and the same alerts as a clean run of the same file: more deaths
 * than the queue's maxReceiveCount allows receives, and each rerun resuming at the file's last
 * checkpoint rather than at row 1.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import type { TestDeployment } from '@agora/tools/testing/testing';
import {
  dropFile,
  finishedUpload,
  inventoryDeployment,
  spawnWorkerProcess,
  startWorker,
  stock,
  uploads,
} from './worker-harness.ts';

const rows = 50_000;

/** Some items at zero, some above, before the big file. */
function beforeFile(): string {
  const lines = ['store,item,count'];
  for (let index = 0; index < rows; index += 50)
    lines.push(`Store ${index % 3},item ${index},${index % 1000 === 250 ? 0 : 5}`);
  return lines.join('\n');
}

/** 50,000 rows: 50 back in stock, 50 out of stock, 5 new items at zero, the rest plain counts. */
function bigFile(): string {
  const lines = ['store,item,count'];
  for (let index = 0; index < rows; index++) {
    let count = (index % 7) + 1;
    if (index % 1000 === 250) count = 3;
    else if (index % 1000 === 750) count = 0;
    else if (index % 10000 === 7) count = 0;
    lines.push(`Store ${index % 3},item ${index},${count}`);
  }
  return `${lines.join('\n')}\n`;
}

interface Worker {
  readonly child: ChildProcess;
  /** resolves once the worker reports having read at least `rows` rows of a file */
  readRows(rows: number): Promise<void>;
}

function spawnWorker(deployment: TestDeployment): Worker {
  const child = spawnWorkerProcess(deployment, {
    LOG_LEVEL: 'info',
    POLL_WAIT_SECONDS: '1',
    VISIBILITY_SECONDS: '3',
    RETRY_BASE_SECONDS: '1',
  });
  let rowsRead = 0;
  const waiting = new Set<{ rows: number; resolve: () => void }>();
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const entry = JSON.parse(line) as { rowsRead?: number };
    rowsRead = Math.max(rowsRead, entry.rowsRead ?? 0);
    for (const waiter of waiting) {
      if (rowsRead >= waiter.rows) {
        waiting.delete(waiter);
        waiter.resolve();
      }
    }
  });
  return {
    child,
    readRows: (rows) => new Promise<void>((resolve) => waiting.add({ rows, resolve })),
  };
}

async function bigUpload(deployment: TestDeployment) {
  return (await uploads(deployment)).find((upload) => upload.s3Key === 'big.csv');
}

async function alertsOf(probe: Awaited<ReturnType<typeof inventoryDeployment>>['alerts']) {
  const received = await probe.receiveAll({ waitMs: 2000 });
  return received
    .map((alert) => `${alert.attributes.store}|${alert.attributes.item}|${alert.attributes.kind}|${alert.body.count}`)
    .sort();
}

test('SIGKILL mid-file at several points, restart: identical table and alerts to a clean run', {
  timeout: 480_000,
}, async () => {
  const big = bigFile();

  const clean = await inventoryDeployment();
  const cleanWorker = await startWorker(clean.deployment);
  await dropFile(clean.deployment, 'before.csv', beforeFile());
  await finishedUpload(clean.deployment, 'before.csv');
  await clean.alerts.receiveAll({ waitMs: 1000 });
  await dropFile(clean.deployment, 'big.csv', big);
  assert.equal((await finishedUpload(clean.deployment, 'big.csv', 1, 240_000)).status, 'done');
  await cleanWorker.worker.stop();
  const cleanAlerts = await alertsOf(clean.alerts);

  const killed = await inventoryDeployment();
  let worker = spawnWorker(killed.deployment);
  await dropFile(killed.deployment, 'before.csv', beforeFile());
  await finishedUpload(killed.deployment, 'before.csv');
  await killed.alerts.receiveAll({ waitMs: 1000 });
  await dropFile(killed.deployment, 'big.csv', big);

  // Five kills, one more than the queue's receives (maxReceiveCount 5) leave room for: a worker's
  // death is not the file's fault. Each attempt reads the file from the top (rows are counted)
  // but writes only past the last checkpoint. The kill points (multiples of 5,000 rows) sit
  // between alert rows: a kill in the one window left, between publishing an alert and recording
  // it, would repeat that alert (see load-stock.ts).
  const checkpoints: number[] = [];
  for (const rowsRead of [5_000, 15_000, 25_000, 35_000, 45_000]) {
    await worker.readRows(rowsRead);
    const upload = await bigUpload(killed.deployment);
    assert.equal(upload?.status, 'processing');
    checkpoints.push(upload?.committed?.rows ?? 0);
    worker.child.kill('SIGKILL');
    await once(worker.child, 'exit');
    worker = spawnWorker(killed.deployment);
  }
  const finished = await finishedUpload(killed.deployment, 'big.csv', 1, 240_000);
  assert.equal(finished.status, 'done', finished.failureReason);
  assert.equal(finished.attempts, 6);
  // progress survived the kills: the checkpoint only ever moved forward, and far past row 1
  assert.deepEqual(
    checkpoints,
    [...checkpoints].sort((a, b) => a - b),
  );
  assert.ok((checkpoints.at(-1) ?? 0) >= 30_000, `checkpoints at the kills: ${checkpoints}`);
  const killedAlerts = await alertsOf(killed.alerts);

  const cleanUpload = await finishedUpload(clean.deployment, 'big.csv');
  assert.deepEqual(
    [finished.rowsAccepted, finished.rowsRejected],
    [cleanUpload.rowsAccepted, cleanUpload.rowsRejected],
  );
  assert.equal(cleanAlerts.length, 105);
  assert.equal(new Set(killedAlerts).size, killedAlerts.length, 'no duplicate alert');
  assert.deepEqual(killedAlerts, cleanAlerts);
  assert.deepEqual(await stock(killed.deployment), await stock(clean.deployment));
});
