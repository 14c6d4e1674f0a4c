import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emulatorClients } from '@agora/tools/local/emulator-clients';
import { subscribeTestQueue } from '@agora/tools/testing/probe-queues';
import { login, register, uniqueUsername, usersApp } from './harness.ts';

const { app, deployment, logs } = await usersApp();

describe('GET /api/users', () => {
  it('pages through every user with an opaque cursor', async () => {
    const registered = new Set<string>();
    for (let i = 0; i < 5; i++) registered.add((await register(app, uniqueUsername('page'))).userId);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await app.inject({
        method: 'GET',
        url: '/api/users',
        query: { limit: '2', ...(cursor ? { cursor } : {}) },
      });
      assert.equal(response.statusCode, 200);
      const page = response.json();
      assert.ok(page.items.length <= 2);
      for (const user of page.items) {
        assert.equal(user.passwordHash, undefined);
        assert.equal(user.roles, undefined, 'roles are private to their user');
        seen.push(user.userId);
      }
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    assert.equal(new Set(seen).size, seen.length, 'no user twice');
    for (const userId of registered) assert.ok(seen.includes(userId));
  });

  for (const [name, query] of [
    ['limit 0', { limit: '0' }],
    ['limit 101', { limit: '101' }],
    ['a limit that is not a number', { limit: 'ten' }],
    ['a cursor this API never issued', { cursor: 'bm90LWEtY3Vyc29y' }],
    ['a cursor with the wrong keys', { cursor: Buffer.from('{"userId":"x"}').toString('base64url') }],
    ['an unknown parameter', { sort: 'name' }],
  ] as const) {
    it(`answers 400 problem+json to ${name}`, async () => {
      const response = await app.inject({ method: 'GET', url: '/api/users', query });
      assert.equal(response.statusCode, 400);
      assert.match(String(response.headers['content-type']), /problem\+json/);
    });
  }
});

describe('GET /api/users/{userId}', () => {
  it('shows a public profile', async () => {
    const user = await register(app, uniqueUsername('public'), 'Public Person');
    const response = await app.inject({ method: 'GET', url: `/api/users/${user.userId}` });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(Object.keys(response.json()).sort(), ['createdAt', 'displayName', 'userId', 'username']);
  });

  it('answers 404 problem+json for an unknown user', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/users/00000000-0000-7000-8000-000000000000' });
    assert.equal(response.statusCode, 404);
    assert.match(String(response.headers['content-type']), /problem\+json/);
  });

  it('answers 400 problem+json to an over-long id', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/users/${'x'.repeat(65)}` });
    assert.equal(response.statusCode, 400);
    assert.match(String(response.headers['content-type']), /problem\+json/);
  });

  it('does not expose the username uniqueness items', async () => {
    const user = await register(app, uniqueUsername('hidden'));
    const response = await app.inject({ method: 'GET', url: `/api/users/username%23${user.username.toLowerCase()}` });
    assert.equal(response.statusCode, 404);
  });
});

describe('PATCH /api/users/me', () => {
  it('renames the user and emits one user.renamed event through the catalogue filter policy', async () => {
    const renames = await subscribeTestQueue(deployment, 'messagesEventsQueue');
    const user = await register(app, uniqueUsername('rename'), 'Old Name');
    const token = await login(app, user.username);
    const response = await app.inject({
      method: 'PATCH',
      url: '/api/users/me',
      headers: { authorization: `Bearer ${token}` },
      payload: { displayName: 'New Name' },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().displayName, 'New Name');

    const events = await renames.receiveAll({ waitMs: 1500 });
    const mine = events.filter((event) => event.body.userId === user.userId);
    assert.equal(mine.length, 1);
    assert.equal(mine[0]?.attributes.type, 'user.renamed');
    assert.equal(mine[0]?.body.displayName, 'New Name');

    const profile = await app.inject({ method: 'GET', url: `/api/users/${user.userId}` });
    assert.equal(profile.json().displayName, 'New Name');
  });

  it('refuses to change roles, username or anything but the display name', async () => {
    const user = await register(app, uniqueUsername('noroles'));
    const token = await login(app, user.username);
    for (const payload of [
      { roles: ['inventory-manager'] },
      { displayName: 'X', roles: ['admin'] },
      { username: 'root' },
      {},
    ]) {
      const response = await app.inject({
        method: 'PATCH',
        url: '/api/users/me',
        headers: { authorization: `Bearer ${token}` },
        payload,
      });
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.match(String(response.headers['content-type']), /problem\+json/);
    }
    const me = await app.inject({ method: 'GET', url: '/api/users/me', headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(me.json().roles, []);
  });

  it('answers 401 without a token', async () => {
    const response = await app.inject({ method: 'PATCH', url: '/api/users/me', payload: { displayName: 'X' } });
    assert.equal(response.statusCode, 401);
  });
});

describe('request ids', () => {
  it('echoes a given x-request-id and logs the request and its AWS calls under it', async () => {
    const requestId = `test-${Date.now()}`;
    const response = await app.inject({
      method: 'GET',
      url: '/api/users?limit=1',
      headers: { 'x-request-id': requestId },
    });
    assert.equal(response.headers['x-request-id'], requestId);
    const lines = logs.lines().filter((line) => line.reqId === requestId);
    assert.ok(
      lines.some((line) => line.route === '/api/users' && line.status === 200),
      'its access line',
    );
    assert.ok(lines.some((line) => (line.aws as { command?: string })?.command === 'QueryCommand'));
  });

  it('makes one up when none (or a malformed one) is given', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    assert.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });
});

describe('PATCH /api/users/me when the event cannot be published', () => {
  it('answers 503 problem+json, and a retry succeeds once publishing works', async () => {
    // Fault injection on a real SNS client: while `failing`, Publish fails before it is sent.
    let failing = true;
    const sns = emulatorClients(deployment.endpoint).sns;
    sns.middlewareStack.add(
      (next) => async (args) => {
        if (failing) throw Object.assign(new Error('SNS unreachable'), { name: 'InternalErrorException' });
        return next(args);
      },
      { step: 'initialize', name: 'failPublish' },
    );
    const { app: flaky } = await usersApp({}, { sns });
    const user = await register(flaky, uniqueUsername('flaky'));
    const token = await login(flaky, user.username);
    const rename = () =>
      flaky.inject({
        method: 'PATCH',
        url: '/api/users/me',
        headers: { authorization: `Bearer ${token}` },
        payload: { displayName: 'Retried Name' },
      });
    const failed = await rename();
    assert.equal(failed.statusCode, 503);
    assert.match(String(failed.headers['content-type']), /problem\+json/);
    assert.doesNotMatch(failed.body, /SNS unreachable/);
    failing = false;
    assert.equal((await rename()).statusCode, 200);
  });
});
