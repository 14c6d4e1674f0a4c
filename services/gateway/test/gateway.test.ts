import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { freePort } from '@agora/tools/emulator';
import { capturedLogger } from '@agora/tools/testing';
import Fastify from 'fastify';
import { buildGateway } from '../src/app.ts';

// A stand-in upstream: the gateway's job is HTTP routing, so a plain HTTP server is its real peer here.
const upstream = Fastify();
const seen: { url: string; headers: Record<string, unknown>; body: unknown }[] = [];
upstream.all('/*', async (request) => {
  seen.push({ url: request.url, headers: request.headers, body: request.body });
  return { served: 'users', url: request.url };
});
upstream.get('/api/users/slow', async () => {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  return { late: true };
});
const upstreamUrl = await upstream.listen({ port: 0, host: '127.0.0.1' });
after(() => upstream.close());

async function gateway(upstreamFor: string, timeoutMs = 5000) {
  const logs = capturedLogger('gateway');
  const app = await buildGateway({
    upstreams: new Map([['users', upstreamFor]]),
    upstreamTimeoutMs: timeoutMs,
    logger: logs.logger,
  });
  after(() => app.close());
  return app;
}

describe('the gateway', () => {
  it('routes by the catalogue and passes the request id and client address on', async () => {
    const app = await gateway(upstreamUrl);
    const response = await app.inject({
      url: '/api/users?limit=2',
      headers: { 'x-request-id': 'trace-123' },
      remoteAddress: '203.0.113.9',
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { served: 'users', url: '/api/users?limit=2' });
    assert.equal(response.headers['x-request-id'], 'trace-123');
    const request = seen.at(-1);
    assert.equal(request?.headers['x-request-id'], 'trace-123');
    assert.match(String(request?.headers['x-forwarded-for']), /203\.0\.113\.9$/);
  });

  it('streams request bodies through untouched', async () => {
    const app = await gateway(upstreamUrl);
    const response = await app.inject({ method: 'POST', url: '/api/users', payload: { username: 'ada' } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(seen.at(-1)?.body, { username: 'ada' });
  });

  it('answers paths no rule matches with a 404 problem', async () => {
    const app = await gateway(upstreamUrl);
    const response = await app.inject('/api/nothing');
    assert.equal(response.statusCode, 404);
    assert.match(String(response.headers['content-type']), /problem\+json/);
  });

  it('answers 503 problem at once when the service is down', async () => {
    const app = await gateway(`http://127.0.0.1:${await freePort()}`);
    const response = await app.inject('/api/users');
    assert.equal(response.statusCode, 503);
    assert.match(String(response.headers['content-type']), /problem\+json/);
    assert.equal(response.json().service, 'users');
  });

  it('answers 504 problem, not a hang, when the service is too slow', async () => {
    const app = await gateway(upstreamUrl, 300);
    const response = await app.inject('/api/users/slow');
    assert.equal(response.statusCode, 504);
    assert.match(String(response.headers['content-type']), /problem\+json/);
  });
});
