/** An in-process inventory worker on fresh emulator resources, with helpers to drop files and read results. */
import { type ChildProcess, spawn } from 'node:child_process';
import { after } from 'node:test';
import { loadConfig } from '@agora/runtime/config';
import { emulatorCredentials } from '@agora/tools/local/emulator';
import { repoRoot } from '@agora/tools/paths';
import { subscribeTestQueue } from '@agora/tools/testing/probe-queues';
import { capturedLogger, provision, type TestDeployment } from '@agora/tools/testing/testing';
import { until } from '@agora/tools/wait';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Upload } from '../src/uploads-repo.ts';
import { workerConfigSchema } from '../src/worker/config.ts';
import { buildWorker } from '../src/worker/worker.ts';

export const testWorkerEnv = {
  POLL_WAIT_SECONDS: '1',
  VISIBILITY_SECONDS: '6',
  RETRY_BASE_SECONDS: '1',
  DRAIN_TIMEOUT_MS: '5000',
};

export function workerConfig(deployment: TestDeployment, overrides: Record<string, string> = {}) {
  return loadConfig(workerConfigSchema, {
    ...deployment.env,
    AWS_ENDPOINT_URL: deployment.endpoint,
    ...testWorkerEnv,
    ...overrides,
  });
}

export async function startWorker(deployment: TestDeployment, overrides: Record<string, string> = {}) {
  const logs = capturedLogger('inventory-worker', 'info');
  const worker = await buildWorker(workerConfig(deployment, overrides), deployment.clients, logs.logger);
  const running = worker.start();
  after(async () => {
    await worker.stop();
    await running;
  });
  return { worker, logs };
}

export async function inventoryDeployment() {
  const deployment = await provision('inv');
  const alerts = await subscribeTestQueue(deployment, 'stock-alerts-probe', 'stockAlerts');
  return { deployment, alerts };
}

/** The first value `probe` reads that is neither undefined nor false; throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  let value: T | undefined;
  await until(
    async () => {
      value = await probe();
      return value !== undefined && value !== false;
    },
    what,
    timeoutMs,
    200,
  );
  return value as T;
}

export async function dropFile(deployment: TestDeployment, key: string, body: string | Buffer) {
  await deployment.clients.s3.send(
    new PutObjectCommand({ Bucket: deployment.env.UPLOADS_BUCKET, Key: key, Body: body }),
  );
}

export async function uploads(deployment: TestDeployment): Promise<Upload[]> {
  const { Items = [] } = await deployment.clients.documents.send(
    new ScanCommand({ TableName: deployment.env.UPLOADS_TABLE }),
  );
  return Items.filter((item) => item.storeList === undefined) as Upload[];
}

/** Waits until every upload of `key` is finished; returns the latest. */
export async function finishedUpload(
  deployment: TestDeployment,
  key: string,
  count = 1,
  timeoutMs = 60_000,
): Promise<Upload> {
  return waitFor(
    async () => {
      const mine = (await uploads(deployment)).filter((upload) => upload.s3Key === key);
      const finished = mine.filter((upload) => upload.status === 'done' || upload.status === 'failed');
      if (finished.length < count) return undefined;
      return finished.sort((a, b) => (a.uploadId < b.uploadId ? -1 : 1)).at(-1);
    },
    `the upload of ${key}`,
    timeoutMs,
  );
}

export async function stock(deployment: TestDeployment) {
  const Items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deployment.clients.documents.send(
      new ScanCommand({ TableName: deployment.env.INVENTORY_TABLE, ExclusiveStartKey: start }),
    );
    Items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return Object.fromEntries(
    Items.map((item) => [`${item.store}/${item.item}`, item.count as number]).sort(([a], [b]) =>
      String(a) < String(b) ? -1 : 1,
    ),
  );
}

export async function queueIsEmpty(deployment: TestDeployment, queueUrl = deployment.env.FILES_QUEUE_URL) {
  const { Attributes = {} } = await deployment.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Attributes.ApproximateNumberOfMessages === '0' && Attributes.ApproximateNumberOfMessagesNotVisible === '0';
}

export async function sendRaw(deployment: TestDeployment, body: string) {
  await deployment.clients.sqs.send(
    new SendMessageCommand({ QueueUrl: deployment.env.FILES_QUEUE_URL, MessageBody: body }),
  );
}

/** The seed lab's Berlin example, one file per store, each with exactly one item at zero. */
export const labStores = ['Berlin', 'Paris', 'London', 'Madrid', 'Rome', 'Vienna'];
export function labFile(store: string): string {
  return [
    'store,item,count',
    `${store},Echo Dot,12`,
    `${store},Echo Plus,0`,
    `${store},Echo Show,4`,
    `${store},Fire TV Stick,21`,
    `${store},Kindle,7`,
  ].join('\n');
}

/**
 * The worker as its own process (`src/worker/main.ts`, what the image runs), on the emulator, with
 * `overrides` for its timings; killed after the test if still running. Its stdout is JSON lines.
 */
export function spawnWorkerProcess(deployment: TestDeployment, overrides: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['services/inventory/src/worker/main.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: process.env.PATH ?? '',
      ...emulatorCredentials,
      ...deployment.env,
      AWS_ENDPOINT_URL: deployment.endpoint,
      PORT: '0',
      HOST: '127.0.0.1',
      ...overrides,
    },
  });
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}
