/**
 * The local topology as a user gets it from `npm run up` (same launcher), exercised over HTTP
 * through the gateway.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startSystem } from '../src/local/launcher.ts';
import { emulatorEndpoint, uniquePrefix } from '../src/testing/testing.ts';
import { eventually } from '../src/wait.ts';

await emulatorEndpoint();
const system = await startSystem({ prefix: uniquePrefix('sys'), gatewayPort: 0 });
after(() => system.stop());
const gateway = system.gatewayUrl;

async function json(path: string, init: RequestInit = {}) {
  const response = await fetch(`${gateway}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below
  const body = (await response.json()) as any;
  return { status: response.status, headers: response.headers, body };
}

describe('the system through the gateway', () => {
  it('lists users as a JSON page', async () => {
    const response = await fetch(`${gateway}/api/users`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    const page = (await response.json()) as { items: unknown };
    assert.ok(Array.isArray(page.items));
  });

  it('registers, logs in and reads the profile with the token', async () => {
    const username = `sys_${Date.now()}`;
    const created = await json('/api/users', {
      method: 'POST',
      body: JSON.stringify({ username, password: 'correct horse battery', displayName: 'System Tester' }),
    });
    assert.equal(created.status, 201);
    const login = await json('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username, password: 'correct horse battery' }),
    });
    assert.equal(login.status, 200);
    const me = await json('/api/users/me', { headers: { authorization: `Bearer ${login.body.accessToken}` } });
    assert.equal(me.status, 200);
    assert.equal(me.body.userId, created.body.userId);
    const jwks = await json('/.well-known/jwks.json');
    assert.equal(jwks.body.keys.length, 1);
  });

  it('carries a request id from the gateway to the service log', async () => {
    const requestId = `sys-trace-${Date.now()}`;
    const response = await fetch(`${gateway}/api/users?limit=1`, { headers: { 'x-request-id': requestId } });
    assert.equal(response.headers.get('x-request-id'), requestId);
    const users = system.processes.get('users');
    const logged = await eventually(
      () => users?.logs.some((line) => line.reqId === requestId && line.status === 200) ?? false,
      (found) => found,
      5000,
    );
    assert.ok(logged, 'the users service logged the request under the same id');
  });

  it('answers unknown paths with a 404 problem', async () => {
    const response = await json('/api/unknown');
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /problem\+json/);
  });
});
