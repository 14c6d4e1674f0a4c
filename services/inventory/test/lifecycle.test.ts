/**
 * The worker process's life: SIGTERM mid-file hands the file back and exits 0; the health
 * endpoint turns 503 when polling silently stops; a multipart upload (two events on moto) is
 * loaded once.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { createLogger } from '@agora/runtime/logger';
import { healthApp } from '@agora/runtime/run-worker';
import type { TestDeployment } from '@agora/tools/testing/testing';
import { eventually, until } from '@agora/tools/wait';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Upload } from '@aws-sdk/lib-storage';
import { createUploadsRepo } from '../src/uploads-repo.ts';
import { createFilesWorker } from '../src/worker/files-worker.ts';
import { createTaskProtection } from '../src/worker/task-protection.ts';
import {
  dropFile,
  finishedUpload,
  inventoryDeployment,
  queueIsEmpty,
  spawnWorkerProcess,
  startWorker,
  stock,
  uploads,
  waitFor,
} from './worker-harness.ts';

function spawnWorker(deployment: TestDeployment, onLine: (entry: Record<string, unknown>) => void): ChildProcess {
  const child = spawnWorkerProcess(deployment, {
    POLL_WAIT_SECONDS: '2',
    VISIBILITY_SECONDS: '30',
    DRAIN_TIMEOUT_MS: '300',
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => onLine(JSON.parse(line)));
  return child;
}

test('SIGTERM mid-file: the file is handed back at once, the process exits 0, the next worker finishes it', async () => {
  const { deployment } = await inventoryDeployment();
  const lines = ['store,item,count'];
  for (let index = 0; index < 30_000; index++) lines.push(`Store ${index % 2},item ${index},${(index % 9) + 1}`);
  let reading!: () => void;
  const startedReading = new Promise<void>((resolve) => {
    reading = resolve;
  });
  const logs: Record<string, unknown>[] = [];
  const child = spawnWorker(deployment, (entry) => {
    logs.push(entry);
    if (typeof entry.rowsRead === 'number') reading();
  });
  await dropFile(deployment, 'long.csv', lines.join('\n'));
  await startedReading;
  const stoppedAt = Date.now();
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  // Well inside ECS's stop timeout: the drain (0.3 s) plus at most one long poll (2 s) and a margin.
  assert.ok(Date.now() - stoppedAt < 10_000, `stopped in ${Date.now() - stoppedAt} ms`);
  assert.ok(logs.some((entry) => entry.msg === 'shutting down: file handed back to the queue'));
  assert.equal((await uploads(deployment)).find((upload) => upload.s3Key === 'long.csv')?.status, 'processing');

  // Visibility 0 and the lease released: a new worker takes it now, not after the 30 s visibility.
  await startWorker(deployment);
  const upload = await finishedUpload(deployment, 'long.csv', 1, 90_000);
  assert.equal(upload.status, 'done');
  assert.equal(upload.rowsAccepted, 30_000);
  assert.equal(Object.keys(await stock(deployment)).length, 30_000);
});

test('the health endpoint answers 200 while polling works and 503 once it has silently stopped', async () => {
  const { deployment } = await inventoryDeployment();
  const logger = createLogger({ level: 'silent' });
  const common = {
    queueUrl: deployment.env.FILES_QUEUE_URL as string,
    uploads: createUploadsRepo(deployment.clients.documents, deployment.env.UPLOADS_TABLE as string),
    owner: 'health-test',
    processObject: async () => ({ outcome: 'gone' as const }),
    protection: createTaskProtection(undefined, logger),
    logger,
    pollWaitSeconds: 1,
    visibilitySeconds: 10,
    retryBaseSeconds: 1,
    maxReceiveCount: 5,
    drainTimeoutMs: 100,
    healthMaxSilenceMs: 1500,
  };
  // A queue endpoint that refuses connections: every receive fails, and nothing else says so.
  const unreachable = new SQSClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
  after(() => unreachable.destroy());
  for (const [sqs, expected] of [
    [deployment.clients.sqs, 200],
    [unreachable, 503],
  ] as const) {
    const worker = createFilesWorker({ ...common, sqs });
    const startedAt = Date.now();
    const running = worker.start();
    const app = healthApp(worker, logger);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const answer = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      return { status: response.status, body: (await response.json()) as { status: string; lastActivityAt: string } };
    };
    if (expected === 200) {
      // Past the silence limit since the start, a receive has succeeded: the endpoint says so.
      await until(
        () => Date.parse(worker.health().lastActivityAt) > startedAt + common.healthMaxSilenceMs,
        'a receive after the silence limit',
      );
      const { status, body } = await answer();
      assert.equal(status, 200);
      assert.equal(body.status, 'ok');
    } else {
      const { status, body } = await eventually(answer, (health) => health.status !== 200, 10_000);
      assert.equal(status, 503);
      assert.equal(body.status, 'stalled');
      // Stalled indeed: no receive ever succeeded since the worker started.
      assert.ok(Date.parse(body.lastActivityAt) <= startedAt + 50, body.lastActivityAt);
    }
    await app.close();
    await worker.stop();
    await running;
  }
});

test('a multipart upload (two S3 events on moto) is loaded once', async () => {
  const { deployment, alerts } = await inventoryDeployment();
  await startWorker(deployment);
  // Over 5 MB so lib-storage uploads in parts, yet quick to load: one row plus one over-long line.
  const body = `store,item,count\nBergen,Echo Plus,0\n${'x'.repeat(6 * 1024 * 1024)}\nBergen,Kindle,2\n`;
  await new Upload({
    client: deployment.clients.s3,
    params: { Bucket: deployment.env.UPLOADS_BUCKET, Key: 'parts.csv', Body: body },
    partSize: 5 * 1024 * 1024,
  }).done();
  const upload = await finishedUpload(deployment, 'parts.csv');
  await waitFor(() => queueIsEmpty(deployment), 'both events to be consumed');
  assert.equal(upload.status, 'done');
  assert.equal(upload.attempts, 1);
  assert.deepEqual([upload.rowsAccepted, upload.rowsRejected], [2, 1]);
  assert.equal((await uploads(deployment)).length, 1);
  const received = await alerts.receiveAll({ waitMs: 1500 });
  assert.deepEqual(
    received.map((alert) => [alert.attributes.item, alert.attributes.kind]),
    [['Echo Plus', 'out-of-stock']],
  );
});
