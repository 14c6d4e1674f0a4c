/**
 * The live feed on the emulator: one stock relay (the only reader of the inventory table's
 * stream) publishes each change once on the stock-changes topic; two apps stand for two
 * inventory tasks, each with its own queue, and push the changes and alerts to their browsers
 * as server-sent events. Both see a change that neither of them made. (With real processes:
 * tools/test/live-feeds.system.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tokenVerifier } from '@agora/runtime/auth';
import { createBaseApp } from '@agora/runtime/http';
import { generateSigningKeyPem } from '@agora/tools/local/dev-key';
import { readEventStream } from '@agora/tools/testing/event-stream-reader';
import { capturedLogger, emulatorEndpoint, provision } from '@agora/tools/testing/testing';
import { until } from '@agora/tools/wait';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PublishCommand } from '@aws-sdk/client-sns';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createStockRelay } from '../src/relay/relay.ts';
import { feedRoutes } from '../src/routes/feed.ts';
import {
  createStockFeed,
  feedEventsFor,
  maxMessageBytes,
  stockChangeMessages,
  stockFeedDecoder,
} from '../src/stock-feed.ts';

await emulatorEndpoint();
const deployment = await provision('feed');
const table = deployment.env.INVENTORY_TABLE as string;
const topicArn = deployment.env.STOCK_CHANGES_TOPIC_ARN as string;
const { documents, dynamo, sns, sqs } = deployment.clients;
const streams = new DynamoDBStreamsClient({ region: 'us-east-1', endpoint: deployment.endpoint });
after(() => streams.destroy());
const signingKey = generateSigningKeyPem();

const relay = createStockRelay({
  dynamo,
  streams,
  sns,
  tableName: table,
  topicArn,
  logger: capturedLogger('stock-relay').logger,
  pollMs: 100,
});
before(async () => {
  void relay.start();
  // positioned at the stream's end, it has told the feeds to reload: the tasks start after that
  await until(() => relay.published === 1, 'the relay following the stream');
});
after(() => relay.stop());

async function inventoryTask() {
  const logger = capturedLogger('inventory').logger;
  const app = await createBaseApp({
    logger,
    corsOrigins: '',
    bodyLimitBytes: 1024,
    rateLimitPerMinute: 1000,
    readiness: async () => {},
  });
  // The token verifier with the key pair also signs, which gives this test its tokens.
  const { createPrivateKey, createPublicKey } = await import('node:crypto');
  const publicKeyPem = createPublicKey(createPrivateKey(signingKey)).export({ type: 'spki', format: 'pem' }).toString();
  await app.register(tokenVerifier, {
    issuer: 'agora-users',
    audience: 'agora',
    keys: { privateKeyPem: signingKey, publicKeyPem, keyId: 'k1' },
  });
  const feed = createStockFeed({
    sqs,
    sns,
    logger,
    topicArn,
    queuePrefix: deployment.env.INVENTORY_LIVE_QUEUE_PREFIX as string,
    waitTimeSeconds: 1,
  });
  feed.start();
  await app.register(feedRoutes, { feed, streams: { heartbeatMs: 200 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  after(async () => {
    await app.close();
    await feed.stop();
  });
  const address = app.server.address() as { port: number };
  const token = await app.jwt.sign({ sub: 'u-1', username: 'mia', name: 'Mia', roles: [] });
  return { app, feed, url: `http://127.0.0.1:${address.port}`, token };
}

async function openFeed(task: Awaited<ReturnType<typeof inventoryTask>>) {
  const response = await fetch(`${task.url}/api/inventory/feed`, {
    headers: { authorization: `Bearer ${task.token}` },
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const open = readEventStream(response);
  after(() => open.close());
  await until(() => open.events.some((e) => e.event === 'ready'), 'ready');
  return open;
}

const put = (item: Record<string, unknown>) => documents.send(new PutCommand({ TableName: table, Item: item }));

describe('the live feed', () => {
  it('refuses a request without a token', async () => {
    const { app } = await inventoryTask();
    const response = await app.inject('/api/inventory/feed');
    assert.equal(response.statusCode, 401);
    assert.match(String(response.headers['content-type']), /problem\+json/);
  });

  it('pushes changed counts and alerts to the browsers of every task, once', async () => {
    const tasks = [await inventoryTask(), await inventoryTask()];
    const streamsOpen = await Promise.all(tasks.map(openFeed));

    // What the worker does: write counts (a transition's write marks its alert); a write that
    // changes only the mark (as an older worker's clearing did) is no event.
    const at = new Date().toISOString();
    await put({ store: 'Berlin', item: 'Echo Dot', count: 12, updatedAt: at, uploadId: 'up-1' });
    await put({
      store: 'Berlin',
      item: 'Echo Plus',
      count: 0,
      updatedAt: at,
      uploadId: 'up-1',
      pendingAlert: 'up-1',
      alertKind: 'out-of-stock',
    });
    await documents.send(
      new UpdateCommand({
        TableName: table,
        Key: { store: 'Berlin', item: 'Echo Plus' },
        UpdateExpression: 'REMOVE pendingAlert, alertKind',
      }),
    );
    // The same file again changes no count: no event.
    await put({ store: 'Berlin', item: 'Echo Dot', count: 12, updatedAt: at, uploadId: 'up-1' });
    await put({ store: 'Berlin', item: 'Echo Show', count: 4, updatedAt: at, uploadId: 'up-2' });

    for (const open of streamsOpen) {
      await until(() => open.events.some((e) => e.data.item === 'Echo Show'), 'the last change');
      assert.deepEqual(
        open.events.map((e) => [e.event, e.data.item ?? '', e.data.count ?? '', e.data.kind ?? '']),
        [
          ['ready', '', '', ''],
          ['stock', 'Echo Dot', 12, ''],
          ['stock', 'Echo Plus', 0, ''],
          ['alert', 'Echo Plus', 0, 'out-of-stock'],
          ['stock', 'Echo Show', 4, ''],
        ],
      );
      assert.deepEqual(open.retries, [2000]);
      await until(() => open.comments() > 0, 'a heartbeat');
    }
  });

  it('ends the streams when the relay restarts (stock.resync), so the pages reconnect and reload', async () => {
    const task = await inventoryTask();
    const open = await openFeed(task);
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: '{}',
        MessageAttributes: { type: { DataType: 'String', StringValue: 'stock.resync' } },
      }),
    );
    await open.reading;
    assert.equal(open.ended(), true);
    assert.equal(task.feed.listeners, 0);
    await openFeed(task);
  });

  it('ends the streams when the service shuts down', async () => {
    const task = await inventoryTask();
    const open = await openFeed(task);
    assert.equal(task.feed.listeners, 1);
    await task.app.close();
    await open.reading;
    assert.equal(open.ended(), true);
    assert.equal(task.feed.listeners, 0);
  });
});

describe('stock-changes messages', () => {
  const change = (sequence: number, count: number) => ({
    kind: 'MODIFY' as const,
    oldImage: { store: 'Berlin', item: `item-${sequence}`, count: count + 1 },
    newImage: { store: 'Berlin', item: `item-${sequence}`, count, uploadId: 'up-1' },
    sequenceNumber: String(sequence),
  });

  it('packs changes into messages SNS takes, each change once however often it arrives', () => {
    const changes = Array.from({ length: 3000 }, (_, index) => change(index, index % 7));
    const messages = stockChangeMessages(changes);
    assert.ok(messages.length > 1, 'more than one message');
    for (const message of messages) assert.ok(Buffer.byteLength(message) <= maxMessageBytes);
    const decode = stockFeedDecoder();
    const shown = messages.flatMap((body) => decode({ body, type: 'stock.changes' }) as unknown[]);
    const expected = changes.flatMap((one) => feedEventsFor(one));
    assert.equal(shown.length, expected.length);
    // delivered again (SNS at least once, or the relay publishing a batch again): nothing new
    assert.deepEqual(
      messages.flatMap((body) => decode({ body, type: 'stock.changes' }) as unknown[]),
      [],
    );
    assert.equal(decode({ body: '{}', type: 'stock.resync' }), 'reset');
    assert.throws(() => decode({ body: '{"changes": 1}', type: 'stock.changes' }));
  });
});

describe('what a table change means to a dashboard', () => {
  const change = (oldImage: Record<string, unknown> | undefined, newImage: Record<string, unknown>) =>
    feedEventsFor({ kind: oldImage ? 'MODIFY' : 'INSERT', oldImage, newImage, sequenceNumber: '1' });
  const item = { store: 'Berlin', item: 'Echo Plus', uploadId: 'up-2' };

  it('a new count is a stock event with the count before it', () => {
    assert.deepEqual(change({ ...item, count: 3 }, { ...item, count: 1 }), [
      { type: 'stock', store: 'Berlin', item: 'Echo Plus', count: 1, previousCount: 3, uploadId: 'up-2' },
    ]);
  });

  it('an alert is a count crossing zero, by the worker rule', () => {
    const kinds = (before: number | undefined, after: number) =>
      change(before === undefined ? undefined : { ...item, count: before }, { ...item, count: after })
        .filter((event) => event.type === 'alert')
        .map((event) => event.type === 'alert' && event.kind);
    assert.deepEqual(kinds(undefined, 0), ['out-of-stock'], 'a new item at zero');
    assert.deepEqual(kinds(3, 0), ['out-of-stock']);
    assert.deepEqual(kinds(0, 5), ['back-in-stock']);
    assert.deepEqual(kinds(3, 5), []);
    assert.deepEqual(kinds(undefined, 5), []);
    assert.deepEqual(kinds(0, 0), [], 'an item already at zero gets none (and no stock event either)');
    assert.deepEqual(change({ ...item, count: 0 }, { ...item, count: 0, pendingAlert: 'up-2' }), []);
  });

  it('a removed item or a change without a count means nothing', () => {
    assert.deepEqual(feedEventsFor({ kind: 'REMOVE', oldImage: { ...item, count: 1 }, sequenceNumber: '2' }), []);
    assert.deepEqual(change(undefined, { store: 'Berlin', item: 'x' }), []);
  });
});
