/**
 * Crash safety: a worker process SIGKILLed at five random points of a 50,000-row file, restarted
 * each time, ends with the same table and the same alerts as a clean run of the same file: more
 * deaths than the queue's maxReceiveCount allows receives, and each rerun resuming at the file's
 * last checkpoint rather than at row 1. Every kill lands inside an attempt (no attempt finishes
 * between kills). The points come from a seeded generator: the seed is printed, and
 * KILL_SEED=<seed> repeats a run's points. KILL_RUNS=20 runs twenty killed runs against the one
 * clean run (`npm test` runs one).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { before, describe, it } from 'node:test';
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
const kills = 5;
const runs = Number(process.env.KILL_RUNS ?? 1);
const seed = Number(process.env.KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
process.stdout.write(`# kill test: seed ${seed} (KILL_SEED=${seed} repeats its kill points), ${runs} run(s)\n`);

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function seeded(state: number): () => number {
  let value = state >>> 0;
  return () => {
    value = (value + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(value ^ (value >>> 15), 1 | value);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}
const random = seeded(seed);
const between = (low: number, high: number) => low + Math.floor(random() * (high - low));

/**
 * Five rows-read counts to kill at, ascending. The last is past the first several chunks (so a
 * checkpoint must have carried over) and all stay 5,000 rows short of the end, so no attempt can
 * finish in the moment between reading that far and the kill landing.
 */
function killPoints(): number[] {
  const last = between(10_000, rows - 5_000);
  return [...Array.from({ length: kills - 1 }, () => between(1_000, last)).sort((a, b) => a - b), last];
}

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
  /** resolves once the worker reports having read at least `rows` rows of a file; rejects if it exits first */
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
  const waiting = new Set<{ rows: number; resolve: () => void; reject: (error: Error) => void }>();
  // A worker that dies on its own never reads the rows a waiter wants: the run fails at once, naming it.
  child.once('exit', (code, signal) => {
    for (const waiter of waiting) waiter.reject(new Error(`the worker exited (${code ?? signal}) at ${rowsRead} rows`));
    waiting.clear();
  });
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
    readRows: (rows) => new Promise<void>((resolve, reject) => waiting.add({ rows, resolve, reject })),
  };
}

async function bigUpload(deployment: TestDeployment) {
  return (await uploads(deployment)).find((upload) => upload.s3Key === 'big.csv');
}

/**
 * The alerts a run published, each as store|item|kind|count, and how many were sent again. The
 * one window a kill can hit, between publishing an alert and recording it, republishes that alert
 * with its `alertId` (load-stock.ts): a consumer drops it, so it counts once here, and only if it
 * is the same alert again.
 */
async function alertsOf(probe: Awaited<ReturnType<typeof inventoryDeployment>>['alerts']) {
  const received = await probe.receiveAll({ waitMs: 2000 });
  const byId = new Map<string, string>();
  let republished = 0;
  for (const alert of received) {
    const text = `${alert.attributes.store}|${alert.attributes.item}|${alert.attributes.kind}|${alert.body.count}`;
    const id = String(alert.body.alertId);
    const earlier = byId.get(id);
    if (earlier !== undefined) {
      assert.equal(text, earlier, `alert ${id} sent again as a different alert`);
      republished++;
    }
    byId.set(id, text);
  }
  return { alerts: [...byId.values()].sort(), republished };
}

describe(`SIGKILL mid-file at ${kills} random points, restart (${runs} run(s), seed ${seed})`, () => {
  const big = bigFile();
  let clean: Awaited<ReturnType<typeof inventoryDeployment>>;
  let cleanAlerts: string[];
  let cleanUpload: Awaited<ReturnType<typeof finishedUpload>>;
  let cleanStock: Awaited<ReturnType<typeof stock>>;

  before(
    async () => {
      clean = await inventoryDeployment();
      const cleanWorker = await startWorker(clean.deployment);
      await dropFile(clean.deployment, 'before.csv', beforeFile());
      await finishedUpload(clean.deployment, 'before.csv');
      await clean.alerts.receiveAll({ waitMs: 1000 });
      await dropFile(clean.deployment, 'big.csv', big);
      cleanUpload = await finishedUpload(clean.deployment, 'big.csv', 1, 240_000);
      assert.equal(cleanUpload.status, 'done');
      await cleanWorker.worker.stop();
      const { alerts, republished } = await alertsOf(clean.alerts);
      assert.equal(republished, 0);
      cleanAlerts = alerts;
      assert.equal(cleanAlerts.length, 105);
      // scanned once: 50,000 items from the emulator is a good part of a run's time
      cleanStock = await stock(clean.deployment);
    },
    { timeout: 600_000 },
  );

  for (let run = 1; run <= runs; run++) {
    const points = killPoints();
    it(`run ${run}: kills at rows ${points.join(', ')} give the clean run's table and alerts`, {
      // five kills and reruns, then a scan of 50,000 items from the emulator: minutes on a shared machine
      timeout: 900_000,
    }, async () => {
      const killed = await inventoryDeployment();
      let worker = spawnWorker(killed.deployment);
      await dropFile(killed.deployment, 'before.csv', beforeFile());
      await finishedUpload(killed.deployment, 'before.csv');
      await killed.alerts.receiveAll({ waitMs: 1000 });
      await dropFile(killed.deployment, 'big.csv', big);

      // Five kills, one more than the queue's receives (maxReceiveCount 5) leave room for: a
      // worker's death is not the file's fault. Each attempt reads the file from the top (rows
      // are counted) but writes only past the last checkpoint.
      const checkpoints: number[] = [];
      for (const rowsRead of points) {
        await worker.readRows(rowsRead);
        const upload = await bigUpload(killed.deployment);
        assert.equal(upload?.status, 'processing', `the attempt was still running at ${rowsRead} rows`);
        checkpoints.push(upload?.committed?.rows ?? 0);
        worker.child.kill('SIGKILL');
        await once(worker.child, 'exit');
        worker = spawnWorker(killed.deployment);
      }
      const finished = await finishedUpload(killed.deployment, 'big.csv', 1, 240_000);
      worker.child.kill('SIGKILL');
      await once(worker.child, 'exit');
      assert.equal(finished.status, 'done', finished.failureReason);
      assert.equal(finished.attempts, kills + 1);
      // progress survived the kills: the checkpoint only ever moved forward, and past row 1
      assert.deepEqual(
        checkpoints,
        [...checkpoints].sort((a, b) => a - b),
      );
      assert.ok((checkpoints.at(-1) ?? 0) > 0, `checkpoints at the kills: ${checkpoints}`);
      const { alerts: killedAlerts, republished } = await alertsOf(killed.alerts);
      process.stdout.write(`# run ${run}: checkpoints at the kills ${checkpoints}; alerts sent again ${republished}\n`);

      assert.deepEqual(
        [finished.rowsAccepted, finished.rowsRejected],
        [cleanUpload.rowsAccepted, cleanUpload.rowsRejected],
      );
      assert.ok(republished <= kills, `at most one alert sent again per kill (${republished})`);
      assert.deepEqual(killedAlerts, cleanAlerts);
      assert.deepEqual(await stock(killed.deployment), cleanStock);
    });
  }
});
