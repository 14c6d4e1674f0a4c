import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { routes } from '@agora/catalogue';
import { closedPort, startGateway } from './support.ts';

/** A stand-in service: echoes what reached it, and documents `documented` paths in its OpenAPI. */
async function fakeService(name: string, documented: string[], behaviour: 'answer' | 'hang' | 'reset' = 'answer') {
  const server: Server = createServer((request, response) => {
    if (behaviour === 'hang') return; // never answers
    if (behaviour === 'reset') {
      request.socket.destroy(); // drops the connection mid-request
      return;
    }
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      if (request.url === '/openapi.json') {
        const paths = Object.fromEntries(
          documented.map((path) => [path, { get: { tags: [name], responses: { 200: { description: 'ok' } } } }]),
        );
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ openapi: '3.1.0', info: { title: name, version: '1' }, paths }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          service: name,
          method: request.method,
          url: request.url,
          requestId: request.headers['x-request-id'],
          forwardedFor: request.headers['x-forwarded-for'],
          body,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function gateway(upstreams: Map<string, string>, upstreamTimeoutMs = 5000) {
  return (await startGateway(upstreams, { settings: { upstreamTimeoutMs } })).app;
}

const upstreams = new Map([
  ['users', await fakeService('users', ['/api/users', '/api/users/{userId}', '/api/users/{userId}/messages'])],
  ['topics', await fakeService('topics', ['/api/topics', '/api/topics/{topicId}'])],
  ['messages', await fakeService('messages', ['/api/topics/{topicId}/messages', '/api/users/{userId}/messages'])],
]);
const app = await gateway(upstreams);

describe('routing by the catalogue, in ALB priority order', () => {
  const expectations: [string, string][] = [
    ['/api/users', 'users'],
    ['/api/users/u-1', 'users'],
    ['/api/users/me', 'users'],
    ['/api/auth/login', 'users'],
    ['/.well-known/jwks.json', 'users'],
    ['/api/users/u-1/messages', 'messages'],
    ['/api/users/u-1/messages?limit=2', 'messages'],
    ['/api/topics', 'topics'],
    ['/api/topics?cursor=abc', 'topics'],
    ['/api/topics/t-1', 'topics'],
    ['/api/topics/t-1/messages', 'messages'],
    ['/api/messages/m-1', 'messages'],
  ];
  for (const [path, service] of expectations) {
    it(`${path} → ${service}`, async () => {
      const response = await app.inject({ method: 'GET', url: path });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().service, service);
      assert.equal(response.json().url, path, 'the path and query reach the service untouched');
    });
  }

  it('passes the body and method through', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/topics', payload: { title: 'hello' } });
    assert.equal(response.json().method, 'POST');
    assert.deepEqual(JSON.parse(response.json().body), { title: 'hello' });
  });

  it('passes a given x-request-id to the service and back, and makes one up otherwise', async () => {
    const given = await app.inject({ method: 'GET', url: '/api/topics', headers: { 'x-request-id': 'trace-42' } });
    assert.equal(given.json().requestId, 'trace-42');
    assert.equal(given.headers['x-request-id'], 'trace-42');
    const made = await app.inject({ method: 'GET', url: '/api/topics' });
    assert.match(String(made.json().requestId), /^[0-9a-f-]{36}$/);
    assert.equal(made.headers['x-request-id'], made.json().requestId);
  });

  // Without a web app build, every path outside the rules is the same 404 (web-app.test.ts serves one).
  for (const path of ['/', '/api', '/api/unknown', '/api/topicsx', '/admin/../api/secret']) {
    it(`answers ${path} (no rule matches) with a 404 problem`, async () => {
      const response = await app.inject({ method: 'GET', url: path });
      assert.equal(response.statusCode, 404);
      assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    });
  }
});

describe('when a service is down or slow', () => {
  it('answers 503 problem+json at once when the service refuses connections', async () => {
    const down = await gateway(new Map([...upstreams, ['topics', await closedPort()]]));
    const response = await down.inject({ method: 'GET', url: '/api/topics' });
    assert.equal(response.statusCode, 503);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    assert.equal(response.json().service, 'topics');
    // the others still answer
    assert.equal((await down.inject({ method: 'GET', url: '/api/users' })).statusCode, 200);
  });

  it('answers 502 problem+json when the service drops the connection', async () => {
    const broken = await gateway(new Map([...upstreams, ['users', await fakeService('users', [], 'reset')]]));
    const response = await broken.inject({ method: 'GET', url: '/api/users' });
    assert.equal(response.statusCode, 502);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
  });

  it('answers 504 problem+json when the service does not answer in time, never hangs', async () => {
    const slow = await gateway(new Map([...upstreams, ['messages', await fakeService('messages', [], 'hang')]]), 300);
    const response = await slow.inject({ method: 'GET', url: '/api/messages/m-1' });
    assert.equal(response.statusCode, 504);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
  });
});

describe('/docs', () => {
  it('serves Swagger UI', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /text\/html/);
    assert.match(response.body, /swagger/i);
  });

  it('merges every service document, keeping each path where the catalogue routes it', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(response.statusCode, 200);
    const document = response.json();
    assert.deepEqual(Object.keys(document.paths).sort(), [
      '/api/topics',
      '/api/topics/{topicId}',
      '/api/topics/{topicId}/messages',
      '/api/users',
      '/api/users/{userId}',
      '/api/users/{userId}/messages',
    ]);
    // /api/users/{userId}/messages is the messages service's (priority 10), not the users service's
    assert.deepEqual(document.paths['/api/users/{userId}/messages'].get.tags, ['messages']);
    assert.equal(document['x-unavailable'], undefined);
  });

  it('still serves the others when one service is down, and says which is missing', async () => {
    const partial = await gateway(new Map([...upstreams, ['users', await closedPort()]]));
    const document = (await partial.inject({ method: 'GET', url: '/docs/json' })).json();
    assert.deepEqual(document['x-unavailable'], ['users']);
    assert.ok(document.paths['/api/topics']);
  });

  it('covers one upstream serving several services (the monolith) once', async () => {
    const all = await fakeService('forum', ['/api/users', '/api/topics', '/api/topics/{topicId}/messages']);
    const monolith = await gateway(new Map(routes.map((rule) => [rule.service, all])));
    const document = (await monolith.inject({ method: 'GET', url: '/docs/json' })).json();
    assert.deepEqual(Object.keys(document.paths).sort(), [
      '/api/topics',
      '/api/topics/{topicId}/messages',
      '/api/users',
    ]);
  });
});
