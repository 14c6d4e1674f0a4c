/**
 * The worker process's life: SIGTERM mid-file hands the file back and exits 0; the health
 * endpoint turns 503 when polling silently stops; a multipart upload (two events on moto) is
 * loaded once; a message's fresh copy, made near the queue's receive limit, is still the file's
 * message to a lease a killed worker left.
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
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Upload } from '@aws-sdk/lib-storage';
import { createUploadsRepo } from '../src/uploads-repo.ts';
import { createFilesWorker } from '../src/worker/files-worker.ts';
import { bucketUploadId } from '../src/worker/process-object.ts';
import { parseFilesMessage, unquoteETag } from '../src/worker/s3-events.ts';
import { createTaskProtection } from '../src/worker/task-protection.ts';
import {
  dropFile,
  finishedUpload,
  inventoryDeployment,
  labFile,
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

test("a message's fresh copy is still the file's message while a killed worker's lease runs out", async () => {
  const { deployment } = await inventoryDeployment();
  const { s3, sqs, documents } = deployment.clients;
  const queueUrl = deployment.env.FILES_QUEUE_URL as string;
  await dropFile(deployment, 'held.csv', labFile('Berlin'));
  // Three receives, as three workers that died mid-file left them: the next is the one before the
  // queue's maxReceiveCount (5), which the worker hands to a fresh copy of the message.
  let message: Message | undefined;
  for (let receives = 0; receives < 3; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, VisibilityTimeout: 0 }),
    );
    const [received] = Messages;
    if (!received) continue;
    if (parseFilesMessage(received.Body).kind === 'test') {
      // S3's test event for the bucket's notification: not the file's
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: received.ReceiptHandle }));
      continue;
    }
    message = received;
    receives++;
  }
  const objects = parseFilesMessage(message?.Body);
  assert.equal(objects.kind, 'objects');
  const [object] = objects.objects;
  const head = await s3.send(new HeadObjectCommand({ Bucket: object?.bucket, Key: object?.key }));
  const eTag = unquoteETag(head.ETag) as string;
  const uploadId = bucketUploadId(head.LastModified?.getTime() ?? 0, object?.bucket ?? '', 'held.csv', eTag);
  // The last of those workers took the file's lease for this message and died: it runs 20 s more.
  const claim = await createUploadsRepo(documents, deployment.env.UPLOADS_TABLE as string).claim(
    uploadId,
    { owner: 'a-killed-worker', messageId: message?.MessageId as string, leaseMs: 20_000 },
    {
      source: 'bucket',
      bucket: object?.bucket ?? '',
      s3Key: 'held.csv',
      fileName: 'held.csv',
      size: head.ContentLength ?? 0,
      eTag,
      receivedAt: (head.LastModified ?? new Date()).toISOString(),
    },
  );
  assert.equal(claim.outcome, 'claimed');

  const { logs } = await startWorker(deployment);
  const upload = await finishedUpload(deployment, 'held.csv');
  assert.equal(upload.status, 'done', upload.failureReason);
  assert.equal(upload.rowsAccepted, 5);
  assert.ok(
    logs.lines().some((line) => line.msg === 'message near its receive limit: handed to a fresh copy'),
    'the worker made a fresh copy',
  );
});
