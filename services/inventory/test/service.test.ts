/** The inventory service through inject: uploads by role, size limits, status, stock queries. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { inventoryApp, multipartFile } from './service-harness.ts';
import { labFile, labStores, uploads, waitFor } from './worker-harness.ts';

const setup = inventoryApp({ UPLOAD_LIMIT_BYTES: '20000' });

async function upload(token: string, fileName: string, content: string | Buffer) {
  const { app } = await setup;
  const { payload, headers } = multipartFile(fileName, content);
  return app.inject({
    method: 'POST',
    url: '/api/inventory/uploads',
    payload,
    headers: { ...headers, authorization: `Bearer ${token}` },
  });
}

async function get(url: string, token?: string) {
  const { app, tokens } = await setup;
  return app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token ?? tokens.clerk}` } });
}

async function uploadStatus(uploadId: string) {
  const { tokens } = await setup;
  return waitFor(async () => {
    const response = await get(`/api/inventory/uploads/${uploadId}`, tokens.manager);
    const body = response.json();
    return body.status === 'done' || body.status === 'failed' ? body : undefined;
  }, `upload ${uploadId}`);
}

test('only an inventory manager may upload: 401 without a token, 403 without the role', async () => {
  const { app, tokens } = await setup;
  const { payload, headers } = multipartFile('berlin.csv', labFile('Berlin'));
  const anonymous = await app.inject({ method: 'POST', url: '/api/inventory/uploads', payload, headers });
  assert.equal(anonymous.statusCode, 401);
  assert.match(String(anonymous.headers['content-type']), /^application\/problem\+json/);
  const clerk = await upload(tokens.clerk, 'berlin.csv', labFile('Berlin'));
  assert.equal(clerk.statusCode, 403);
  assert.match(clerk.json().detail, /inventory-manager/);
});

test('an upload is answered 202 with its status location, loaded by the worker, and queryable', async () => {
  const { tokens, startWorker } = await setup;
  await startWorker();
  const ids: string[] = [];
  for (const store of labStores) {
    const response = await upload(tokens.manager, `${store} stock.csv`, labFile(store));
    assert.equal(response.statusCode, 202, response.body);
    const body = response.json();
    assert.equal(body.status, 'received');
    assert.equal(response.headers.location, `/api/inventory/uploads/${body.uploadId}`);
    ids.push(body.uploadId);
  }
  const withErrors = await upload(
    tokens.manager,
    'errors.csv',
    'store,item,count\nBerlin,Tablet,-3\nBerlin,Tablet,2\n',
  );
  for (const uploadId of ids) {
    const status = await uploadStatus(uploadId);
    assert.equal(status.status, 'done');
    assert.equal(status.rowsAccepted, 5);
    assert.equal(status.source, 'api');
    assert.ok(status.finishedAt >= status.startedAt && status.startedAt >= status.receivedAt);
  }
  const errors = await uploadStatus(withErrors.json().uploadId);
  assert.deepEqual(
    { accepted: errors.rowsAccepted, rejected: errors.rowsRejected, rows: errors.rejectedRows },
    {
      accepted: 1,
      rejected: 1,
      rows: [{ line: 2, reason: 'count must be a whole number from 0 to 1000000000 (found "-3")' }],
    },
  );

  const stores = await get('/api/inventory/stores?limit=100');
  assert.deepEqual(
    stores.json().items.map((entry: { store: string }) => entry.store),
    [...labStores].sort(),
  );

  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await get(`/api/inventory/stores/Berlin/items?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(page.statusCode, 200);
    seen.push(...page.json().items.map((item: { item: string }) => item.item));
    cursor = page.json().nextCursor;
  } while (cursor);
  assert.deepEqual(seen, ['Echo Dot', 'Echo Plus', 'Echo Show', 'Fire TV Stick', 'Kindle', 'Tablet']);

  const outOfStock = await get('/api/inventory/stores/Berlin/items?outOfStock=true');
  assert.deepEqual(
    outOfStock.json().items.map((item: { item: string; count: number }) => [item.item, item.count]),
    [['Echo Plus', 0]],
  );
  const across = await get(`/api/inventory/items/${encodeURIComponent('Echo Plus')}?limit=100`);
  assert.deepEqual(
    across.json().items.map((item: { store: string }) => item.store),
    [...labStores].sort(),
  );
  assert.equal((await get('/api/inventory/stores?cursor=bm9wZQ')).statusCode, 400);
  // Forged cursors of the right keys but another partition or shape: 400, never DynamoDB's 500.
  const forge = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');
  for (const url of [
    `/api/inventory/stores/Berlin/items?cursor=${forge({ store: 'Paris', item: 'Echo Plus' })}`,
    `/api/inventory/stores/Berlin/items?outOfStock=true&cursor=${forge({ store: 'Berlin', item: 'x', outOfStockStore: 'Paris' })}`,
    `/api/inventory/items/Echo%20Plus?cursor=${forge({ store: 'Berlin', item: 'Echo Dot' })}`,
    `/api/inventory/stores?cursor=${forge({ uploadId: 'x', storeList: 'store', store: 'Berlin' })}`,
    `/api/inventory/stores?cursor=${forge({ uploadId: 'store#Berlin', storeList: 'other', store: 'Berlin' })}`,
    `/api/inventory/stores/Berlin/items?cursor=${forge({ store: 'Berlin', item: 5 })}`,
  ]) {
    const response = await get(url);
    assert.equal(response.statusCode, 400, `${url}: ${response.body}`);
  }
  assert.equal((await get('/api/inventory/stores', 'not-a-token')).statusCode, 401);
});

test('a file past the limit is a 413 problem and leaves no object to be loaded', async () => {
  const { tokens, deployment } = await setup;
  const big = `store,item,count\n${'Berlin,Echo Dot,1\n'.repeat(2000)}`;
  assert.ok(big.length > 20000);
  const response = await upload(tokens.manager, 'big.csv', big);
  assert.equal(response.statusCode, 413);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.match(response.json().detail, /larger than the limit of 20000 bytes/);

  const huge = await upload(tokens.manager, 'huge.csv', Buffer.alloc(200_000, 'a'));
  assert.equal(huge.statusCode, 413);

  const failed = (await uploads(deployment)).filter((entry) => entry.fileName === 'big.csv');
  assert.deepEqual(
    failed.map((entry) => entry.status),
    ['failed'],
  );
  const { Contents = [] } = await deployment.clients.s3.send(
    new ListObjectsV2Command({ Bucket: deployment.env.UPLOADS_BUCKET, Prefix: `uploads/${failed[0]?.uploadId}` }),
  );
  assert.deepEqual(Contents, []);
});

test('unknown uploads are 404, malformed ids 400, and a request without a file part 400', async () => {
  const { app, tokens } = await setup;
  assert.equal(
    (await get('/api/inventory/uploads/0190a0a0-0000-7000-8000-000000000000', tokens.manager)).statusCode,
    404,
  );
  assert.equal((await get('/api/inventory/uploads/nope', tokens.manager)).statusCode, 400);
  const { payload, headers } = multipartFile('x.csv', 'a', 'other');
  const empty = await app.inject({
    method: 'POST',
    url: '/api/inventory/uploads',
    payload: payload.toString().replace(/; filename="x.csv"/, ''),
    headers: { ...headers, authorization: `Bearer ${tokens.manager}` },
  });
  assert.equal(empty.statusCode, 400);
});

test('a multipart request without a boundary is a 400 problem, not a server error', async () => {
  const { app, tokens } = await setup;
  const response = await app.inject({
    method: 'POST',
    url: '/api/inventory/uploads',
    payload: 'store,item,count\n',
    headers: { 'content-type': 'multipart/form-data', authorization: `Bearer ${tokens.manager}` },
  });
  assert.equal(response.statusCode, 400);
  assert.match(String(response.headers['content-type']), /problem\+json/);
  assert.match(response.json().detail, /boundary/);
});

test('the API document describes the upload body, so a client (or a fuzzer) knows to send a file', async () => {
  const { app } = await setup;
  const document = (await app.inject('/openapi.json')).json();
  const upload = document.paths['/api/inventory/uploads'].post;
  assert.equal(upload.requestBody?.required, true, JSON.stringify(upload.requestBody));
  assert.deepEqual(Object.keys(upload.requestBody.content), ['multipart/form-data']);
  const schema = upload.requestBody.content['multipart/form-data'].schema;
  assert.deepEqual(schema.required, ['file']);
  assert.equal(schema.properties.file.format, 'binary');
});

test('a malformed multipart body is a 400 problem, never a 500', async () => {
  const { app, tokens } = await setup;
  const boundary = '7c5156fb04a2177cf9e322ad31ebde44';
  for (const body of [
    `--${boundary}\r\nNone--${boundary}--\r\n`, // a part with no headers (found by the fuzzer)
    `--${boundary}\r\nContent-Disposition: form-data\r\n\r\nno name--${boundary}--\r\n`,
  ]) {
    const response = await app.inject({
      method: 'POST',
      url: '/api/inventory/uploads',
      payload: body,
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        authorization: `Bearer ${tokens.manager}`,
      },
    });
    assert.equal(response.statusCode, 400, `${JSON.stringify(body)}: ${response.body}`);
    assert.match(String(response.headers['content-type']), /problem\+json/);
  }
});
