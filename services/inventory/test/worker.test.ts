/** The inventory worker against the emulator: files dropped in the bucket become stock and alerts. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { malformedCorpus } from './malformed-corpus.ts';
import {
  dropFile,
  finishedUpload,
  inventoryDeployment,
  labFile,
  labStores,
  queueIsEmpty,
  sendRaw,
  startWorker,
  stock,
  waitFor,
} from './worker-harness.ts';

function s3Event(bucket: string, key: string, eTag: string) {
  const encoded = encodeURIComponent(key).replace(/%20/g, '+');
  return JSON.stringify({
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        eventSource: 'aws:s3',
        s3: { bucket: { name: bucket }, object: { key: encoded, eTag } },
      },
    ],
  });
}

test('the six lab files: the right stock, six out-of-stock alerts; again: none; back above zero: one back-in-stock', async () => {
  const { deployment, alerts } = await inventoryDeployment();
  await startWorker(deployment);

  for (const store of labStores) await dropFile(deployment, `lab/${store}.csv`, labFile(store));
  for (const store of labStores) {
    const upload = await finishedUpload(deployment, `lab/${store}.csv`);
    assert.equal(upload.status, 'done');
    assert.equal(upload.rowsAccepted, 5);
    assert.equal(upload.rowsRejected, 0);
    assert.equal(upload.store, store);
    assert.equal(upload.source, 'bucket');
  }
  const loaded = await stock(deployment);
  assert.equal(Object.keys(loaded).length, 30);
  assert.equal(loaded['Berlin/Echo Plus'], 0);
  assert.equal(loaded['Vienna/Kindle'], 7);

  const first = await alerts.receiveAll({ waitMs: 1500 });
  assert.equal(first.length, 6);
  assert.deepEqual(first.map((alert) => alert.attributes.store).sort(), [...labStores].sort());
  for (const alert of first) {
    assert.equal(alert.attributes.kind, 'out-of-stock');
    assert.equal(alert.attributes.item, 'Echo Plus');
    assert.equal(alert.body.message, `${alert.attributes.store} is out of stock of Echo Plus`);
    assert.equal(alert.body.count, 0);
    assert.match(String(alert.body.uploadId), /^[0-9a-f-]{36}$/);
  }

  // The same files again (new uploads of the same content): nothing changes state, so no alert.
  for (const store of labStores) await dropFile(deployment, `lab/${store}.csv`, labFile(store));
  for (const store of labStores) await finishedUpload(deployment, `lab/${store}.csv`, 2);

  // The restock's alert is the barrier: an alert of the repeated files, published before it
  // (moto delivers SNS to SQS as it publishes), would be received before or with it.
  await dropFile(deployment, 'lab/berlin-restock.csv', 'store,item,count\nBerlin,Echo Plus,5\n');
  await finishedUpload(deployment, 'lab/berlin-restock.csv');
  const restocked = await alerts.receiveThrough((alert) => alert.attributes.kind === 'back-in-stock');
  assert.deepEqual(
    restocked.map((alert) => [alert.attributes.store, alert.attributes.item, alert.attributes.kind]),
    [['Berlin', 'Echo Plus', 'back-in-stock']],
  );
  assert.equal((await stock(deployment))['Berlin/Echo Plus'], 5);
});

test('the same S3 event delivered twice, and the S3 test event: one load, no duplicate alert', async () => {
  const { deployment, alerts } = await inventoryDeployment();
  await startWorker(deployment);
  const bucket = deployment.env.UPLOADS_BUCKET as string;
  await dropFile(deployment, 'twice.csv', 'store,item,count\nOslo,Echo,0\nOslo,Fire,3\n');
  const upload = await finishedUpload(deployment, 'twice.csv');
  const head = await deployment.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'twice.csv' }));
  await sendRaw(deployment, s3Event(bucket, 'twice.csv', String(head.ETag).replaceAll('"', '')));
  await sendRaw(deployment, s3Event(bucket, 'twice.csv', String(head.ETag).replaceAll('"', '')));
  await sendRaw(deployment, JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: bucket }));
  await waitFor(() => queueIsEmpty(deployment), 'the files queue to drain');
  const again = await finishedUpload(deployment, 'twice.csv');
  assert.deepEqual(again, upload);
  const received = await alerts.receiveAll({ waitMs: 1500 });
  assert.deepEqual(
    received.map((alert) => [alert.attributes.store, alert.attributes.item, alert.attributes.kind]),
    [['Oslo', 'Echo', 'out-of-stock']],
  );
});

test('a key with spaces and non-ASCII characters dropped straight into the bucket is loaded', async () => {
  const { deployment } = await inventoryDeployment();
  await startWorker(deployment);
  const key = 'stores/Köln Süd/inventar März 2026 (東京).csv';
  await dropFile(deployment, key, 'store,item,count\nKöln Süd,Echo Plus,2\n');
  const upload = await finishedUpload(deployment, key);
  assert.equal(upload.status, 'done');
  assert.equal(upload.fileName, 'inventar März 2026 (東京).csv');
  assert.deepEqual(await stock(deployment), { 'Köln Süd/Echo Plus': 2 });
});

test('UnprocessedItems (injected on the real emulator) are retried until every row lands', async () => {
  const { deployment } = await inventoryDeployment();
  let heldBack = 0;
  // Each BatchWriteItem sends only half its items and reports the rest as unprocessed.
  deployment.clients.dynamo.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { RequestItems?: Record<string, { PutRequest?: unknown }[]> };
      const [table, items] = Object.entries(input.RequestItems ?? {})[0] ?? [];
      if (!table || !items?.[0]?.PutRequest || items.length < 2) return next(args);
      const kept = items.slice(0, Math.ceil(items.length / 2));
      const held = items.slice(kept.length);
      heldBack += held.length;
      const result = (await next({ ...args, input: { ...input, RequestItems: { [table]: kept } } })) as {
        output: { UnprocessedItems?: Record<string, unknown[]> };
      };
      result.output.UnprocessedItems = { [table]: held };
      return result as never;
    },
    { step: 'initialize', name: 'holdBackHalf', priority: 'low' },
  );
  await startWorker(deployment);
  const rows = Array.from({ length: 240 }, (_, index) => `Turin,item ${index},${index % 7}`);
  await dropFile(deployment, 'many.csv', `store,item,count\n${rows.join('\n')}\n`);
  const upload = await finishedUpload(deployment, 'many.csv');
  assert.equal(upload.status, 'done');
  assert.equal(upload.rowsAccepted, 240);
  const loaded = await stock(deployment);
  assert.equal(Object.keys(loaded).length, 240);
  assert.equal(loaded['Turin/item 13'], 6);
  assert.ok(heldBack >= 120, `held back ${heldBack} items`);
});

test('bad files fail or reject rows with reasons, a poison message ends in the DLQ, and the worker lives on', async () => {
  const { deployment } = await inventoryDeployment();
  const { worker } = await startWorker(deployment);
  await sendRaw(deployment, 'this is not an S3 event');
  await dropFile(deployment, 'binary.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
  await dropFile(deployment, 'noheader.csv', 'Berlin,Echo,1\n');
  await dropFile(
    deployment,
    'mixed.csv',
    'STORE,Count,Item\nRiga,3,Echo\nRiga,-1,Fire\n,2,Kindle\nRiga,x\nRiga,1,Echo\n',
  );

  const binary = await finishedUpload(deployment, 'binary.csv');
  assert.equal(binary.status, 'failed');
  assert.match(binary.failureReason ?? '', /not UTF-8 text|binary/);
  const noHeader = await finishedUpload(deployment, 'noheader.csv');
  assert.equal(noHeader.status, 'failed');
  assert.match(noHeader.failureReason ?? '', /header/);
  const mixed = await finishedUpload(deployment, 'mixed.csv');
  assert.equal(mixed.status, 'done');
  assert.equal(mixed.rowsAccepted, 2);
  assert.equal(mixed.rowsRejected, 3);
  assert.deepEqual(
    mixed.rejectedRows?.map((row) => row.line),
    [3, 4, 5],
  );
  assert.deepEqual(await stock(deployment), { 'Riga/Echo': 1 });

  const dead = await waitFor(
    async () => {
      const { Messages = [] } = await deployment.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: deployment.deadLetterQueueUrls.filesQueue, WaitTimeSeconds: 1 }),
      );
      return Messages[0];
    },
    'the poison message in the dead-letter queue',
    90_000,
  );
  assert.equal(dead.Body, 'this is not an S3 event');
  assert.equal(worker.health().healthy, true);
  await dropFile(deployment, 'after.csv', 'store,item,count\nRiga,Fire,9\n');
  assert.equal((await finishedUpload(deployment, 'after.csv')).status, 'done');
});

test('while it loads a file the worker holds ECS task protection, and lets go after', async () => {
  const calls: unknown[] = [];
  const agent = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      calls.push({ method: request.method, url: request.url, body: JSON.parse(body) });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
  const address = agent.address() as { port: number };
  const { deployment } = await inventoryDeployment();
  await startWorker(deployment, { ECS_AGENT_URI: `http://127.0.0.1:${address.port}` });
  await dropFile(deployment, 'protected.csv', 'store,item,count\nLyon,Echo,1\n');
  await finishedUpload(deployment, 'protected.csv');
  await waitFor(async () => calls.length >= 2, 'protection to be released');
  agent.close();
  assert.deepEqual(calls.slice(0, 2), [
    { method: 'PUT', url: '/task-protection/v1/state', body: { ProtectionEnabled: true, ExpiresInMinutes: 60 } },
    { method: 'PUT', url: '/task-protection/v1/state', body: { ProtectionEnabled: false } },
  ]);
});

test('the worker loads every file of the malformed corpus as the rules say, and lives on', async () => {
  const { deployment } = await inventoryDeployment();
  const { worker } = await startWorker(deployment);
  for (const [index, corpusCase] of malformedCorpus.entries()) {
    await dropFile(deployment, `corpus/${index}.csv`, corpusCase.content);
  }
  for (const [index, corpusCase] of malformedCorpus.entries()) {
    const upload = await finishedUpload(deployment, `corpus/${index}.csv`);
    const { expected } = corpusCase;
    assert.equal(upload.status, expected.status, corpusCase.name);
    if (expected.status === 'failed') {
      assert.match(upload.failureReason ?? '', expected.reason, corpusCase.name);
      continue;
    }
    assert.deepEqual(
      [upload.rowsAccepted, upload.rowsRejected],
      [expected.accepted, expected.rejected],
      corpusCase.name,
    );
    const first = upload.rejectedRows?.[0];
    if (expected.firstRejected) assert.match(`line ${first?.line}: ${first?.reason}`, expected.firstRejected);
  }
  assert.equal(worker.health().healthy, true);
  assert.equal((await stock(deployment))['Paris/Kindle'], 7);
});
