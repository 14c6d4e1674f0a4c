/**
 * The live feed: each inventory process follows the inventory table's stream on the emulator
 * and pushes changes and alerts to its browsers as server-sent events. Two apps stand for two
 * tasks behind the load balancer: both see a change that neither of them made.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { tokenVerifier } from '@agora/runtime/auth';
import { createBaseApp } from '@agora/runtime/http';
import { generateSigningKeyPem } from '@agora/tools/local/dev-key';
import { capturedLogger, emulatorEndpoint, provision } from '@agora/tools/testing/testing';
import { until } from '@agora/tools/wait';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { feedRoutes } from '../src/routes/feed.ts';
import { createStockFeed, feedEventsFor } from '../src/stock-feed.ts';
import { followTableStream } from '../src/table-stream.ts';

await emulatorEndpoint();
const deployment = await provision('feed');
const table = deployment.env.INVENTORY_TABLE as string;
const { documents, dynamo } = deployment.clients;
const streams = new DynamoDBStreamsClient({ region: 'us-east-1', endpoint: deployment.endpoint });
after(() => streams.destroy());
const signingKey = generateSigningKeyPem();

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
    logger,
    follow: (onChanges) => followTableStream({ dynamo, streams, tableName: table, logger, pollMs: 100, onChanges }),
  });
  await app.register(feedRoutes, { feed, heartbeatMs: 200 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  after(() => app.close());
  const address = app.server.address() as { port: number };
  const token = await app.jwt.sign({ sub: 'u-1', username: 'mia', name: 'Mia', roles: [] });
  return { app, feed, url: `http://127.0.0.1:${address.port}`, token };
}

/** Reads server-sent events from a response into an array as they arrive. */
function collect(response: Response) {
  const events: { event: string; data: Record<string, unknown> }[] = [];
  let comments = 0;
  let ended = false;
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let at = buffer.indexOf('\n\n');
      while (at !== -1) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        at = buffer.indexOf('\n\n');
        if (block.startsWith(':')) comments += 1;
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
    ended = true;
  })();
  return { events, comments: () => comments, ended: () => ended, reading };
}

const put = (item: Record<string, unknown>) => documents.send(new PutCommand({ TableName: table, Item: item }));

describe('the live feed', () => {
  it('refuses a request without a token', async () => {
    const { app } = await inventoryTask();
    const response = await app.inject('/api/inventory/feed');
    assert.equal(response.statusCode, 401);
    assert.match(String(response.headers['content-type']), /problem\+json/);
  });

  it('pushes changed counts and alerts to the browsers of every task', async () => {
    const tasks = [await inventoryTask(), await inventoryTask()];
    const streamsOpen = await Promise.all(
      tasks.map(async (task) => {
        const response = await fetch(`${task.url}/api/inventory/feed`, {
          headers: { authorization: `Bearer ${task.token}` },
        });
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
        return collect(response);
      }),
    );
    for (const open of streamsOpen) await until(() => open.events.some((e) => e.event === 'ready'), 'ready');

    // What the worker does: write counts (a transition's write marks its pending alert), then
    // clear the mark once the alert is published.
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
      await until(() => open.comments() > 0, 'a heartbeat');
    }
  });

  it('ends the streams when the service shuts down, and stops following', async () => {
    const task = await inventoryTask();
    const response = await fetch(`${task.url}/api/inventory/feed`, {
      headers: { authorization: `Bearer ${task.token}` },
    });
    const open = collect(response);
    await until(() => open.events.length > 0, 'ready');
    assert.equal(task.feed.listeners, 1);
    await task.app.close();
    await open.reading;
    assert.equal(open.ended(), true);
    assert.equal(task.feed.listeners, 0);
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
