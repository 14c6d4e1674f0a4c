import assert from 'node:assert/strict';
import { createServer, get, type IncomingMessage } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, describe, it } from 'node:test';
import { generateSigningKeyPem } from '@agora/tools/local/dev-key';
import { craftToken, userClaims } from '@agora/tools/testing/crafted-tokens';
import { capturedLogger } from '@agora/tools/testing/testing';
import { startTestIssuer } from '@agora/tools/testing/token-issuer';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import helmet from 'helmet';
import { Type } from 'typebox';
import { requireRole, tokenVerifier } from '../src/auth.ts';
import { createBaseApp } from '../src/http.ts';
import { registerOpenApi } from '../src/openapi.ts';
import { problems } from '../src/problem.ts';
import { PageQuery, problemResponses } from '../src/schemas.ts';

async function baseApp(overrides: { readiness?: () => Promise<void>; rateLimitPerMinute?: number } = {}) {
  const logs = capturedLogger('test');
  const app = await createBaseApp({
    logger: logs.logger,
    corsOrigins: 'https://shop.example',
    bodyLimitBytes: 1024,
    rateLimitPerMinute: overrides.rateLimitPerMinute ?? 100,
    readiness: overrides.readiness ?? (async () => {}),
  });
  after(() => app.close());
  return { app, logs };
}

describe('the base app', () => {
  it('answers /health and /ready', async () => {
    const { app } = await baseApp();
    assert.equal((await app.inject('/health')).statusCode, 200);
    assert.equal((await app.inject('/ready')).statusCode, 200);
  });

  it('never rate-limits the probes, logs no line for a probe that found all well, and logs one that did not', async () => {
    let reachable = true;
    const { app, logs } = await baseApp({
      rateLimitPerMinute: 2,
      readiness: async () => {
        if (!reachable) throw new Error('DynamoDB unreachable');
      },
    });
    app.get('/thing', async () => ({ ok: true }));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      for (const url of ['/health', '/ready', '/thing']) {
        statuses.push((await app.inject({ url, remoteAddress: '10.0.0.9' })).statusCode);
      }
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 429, 200, 200, 429]);
    const probe = await app.inject('/health');
    assert.match(String(probe.headers['x-request-id']), /^[0-9a-f-]{36}$/, 'a probe answer carries its request id');
    assert.equal(probe.headers['x-content-type-options'], 'nosniff', 'and the security headers');

    const routes = () => logs.lines().filter((line) => 'route' in line && 'status' in line);
    assert.deepEqual(
      routes().map((line) => [line.route, line.status]),
      [
        ['/thing', 200],
        ['/thing', 200],
        ['/thing', 429],
        ['/thing', 429],
      ],
      'access lines: the API route only',
    );
    reachable = false;
    assert.equal((await app.inject('/ready')).statusCode, 503);
    const failed = routes().at(-1);
    assert.equal(failed?.route, '/ready');
    assert.equal(failed?.status, 503);
    assert.equal(failed?.level, 'error', 'a failing probe is logged in full');
  });

  it('is not ready when a dependency is unreachable, or once shutdown has begun', async () => {
    const { app } = await baseApp({
      readiness: async () => {
        throw new Error('DynamoDB unreachable');
      },
    });
    const down = await app.inject('/ready');
    assert.equal(down.statusCode, 503);
    assert.match(String(down.headers['content-type']), /problem\+json/);
    assert.doesNotMatch(down.body, /DynamoDB unreachable/, 'no internal detail leaks');

    const { app: healthy } = await baseApp();
    healthy.shuttingDown = true;
    assert.equal((await healthy.inject('/ready')).statusCode, 503);
    assert.equal((await healthy.inject('/health')).statusCode, 200, 'still alive while draining');
  });

  it('turns an unexpected error into a bare 500 problem that leaks nothing', async () => {
    const { app, logs } = await baseApp();
    app.get('/boom', async () => {
      throw new Error('secret internal detail at /srv/db');
    });
    const response = await app.inject('/boom');
    assert.equal(response.statusCode, 500);
    assert.match(String(response.headers['content-type']), /problem\+json/);
    assert.doesNotMatch(response.body, /secret internal detail|at |stack/);
    assert.ok(
      logs.lines().some((line) => line.msg === 'request failed'),
      'but it is logged',
    );
  });

  it('answers unknown routes with a 404 problem', async () => {
    const { app } = await baseApp();
    const response = await app.inject('/nothing/here');
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().status, 404);
  });

  it("sends helmet's default headers on every answer, and no-store unless the route sets its own Cache-Control", async () => {
    // helmet itself, as middleware on a plain Node server: what the precomputed set must equal
    const plain = createServer((request, response) => helmet()(request, response, () => response.end('{}')));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    after(() => plain.close());
    const byHelmet = await new Promise<IncomingMessage>((resolve, reject) =>
      get({ port: (plain.address() as AddressInfo).port, host: '127.0.0.1', agent: false }, resolve).on(
        'error',
        reject,
      ),
    );
    byHelmet.resume();
    const ignored = new Set([
      'date',
      'connection',
      'keep-alive',
      'content-length',
      'transfer-encoding',
      'content-type',
    ]);
    const helmetHeaders = Object.entries(byHelmet.headers).filter(([name]) => !ignored.has(name));
    assert.ok(helmetHeaders.length >= 10, `helmet sent ${helmetHeaders.length} headers`);

    const { app } = await baseApp();
    app.get('/cached', async (_request, reply) => reply.header('cache-control', 'public, max-age=60').send({}));
    for (const url of ['/health', '/no-such-route', '/cached']) {
      const response = await app.inject(url);
      for (const [name, value] of helmetHeaders) assert.equal(response.headers[name], value, `${url}: ${name}`);
      assert.equal(response.headers['cache-control'], url === '/cached' ? 'public, max-age=60' : 'no-store', url);
    }
  });

  it('sends security headers and allows CORS only for configured origins', async () => {
    const { app } = await baseApp();
    app.get('/thing', async () => ({ ok: true }));
    const allowed = await app.inject({ url: '/thing', headers: { origin: 'https://shop.example' } });
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://shop.example');
    assert.equal(allowed.headers['x-content-type-options'], 'nosniff');
    const other = await app.inject({ url: '/thing', headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  it('rate-limits each client', async () => {
    const { app } = await baseApp({ rateLimitPerMinute: 3 });
    app.get('/thing', async () => ({ ok: true }));
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await app.inject({ url: '/thing', remoteAddress: '10.0.0.7' })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const other = await app.inject({ url: '/thing', remoteAddress: '10.0.0.8' });
    assert.equal(other.statusCode, 200);
  });

  it('limits the body size', async () => {
    const { app } = await baseApp();
    app.post('/echo', async (request) => request.body);
    const response = await app.inject({ method: 'POST', url: '/echo', payload: { text: 'x'.repeat(5000) } });
    assert.equal(response.statusCode, 413);
    assert.match(String(response.headers['content-type']), /problem\+json/);
  });
});

describe('a body refused before it is read', () => {
  it('is read to its end and dropped, and the connection closed cleanly, not reset under the 413', async () => {
    const { app } = await baseApp(); // 1 KiB body limit
    app.post('/echo', async (request) => request.body);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    // Far more than the sockets buffer: a server that closes at its answer resets the sender.
    const body = Buffer.alloc(16 * 1024 * 1024, 'x');
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    const outcome = new Promise<string>((resolve) => {
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code}`));
      socket.once('end', () => resolve('end'));
    });
    socket.write(
      `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    const written = new Promise<string>((resolve) => socket.write(body, (error) => resolve(error ? 'failed' : 'all')));
    assert.equal(await written, 'all', 'the whole body was taken');
    socket.end();
    assert.equal(await outcome, 'end', 'the connection ended cleanly');
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /problem\+json/);
    // the answer says the connection ends: a client must not send another request on it
    assert.match(answer, /\r\nconnection: close\r\n/i);
  });
});

describe('answers found by fuzzing (tools/test/fuzz.test.ts)', () => {
  async function appWithRoutes() {
    const { app } = await baseApp();
    await registerOpenApi(app, { title: 'fuzzed' });
    app.get(
      '/api/things/:name',
      {
        schema: {
          tags: ['things'],
          params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 256 }) }),
          querystring: PageQuery,
          response: { 200: Type.Object({ name: Type.String() }), ...problemResponses(400) },
        },
      },
      async (request) => {
        const { name } = request.params as { name: string };
        if (name === 'missing') throw problems.badRequest('No such thing', { hint: 'try another' });
        return { name };
      },
    );
    await app.ready();
    return app;
  }

  it('documents problem answers as application/problem+json, and sends them so', async () => {
    const app = await appWithRoutes();
    const document = app.swagger() as unknown as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }>;
    };
    const responses = document.paths['/api/things/{name}']?.get.responses ?? {};
    assert.deepEqual(Object.keys(responses['400']?.content ?? {}), ['application/problem+json']);
    assert.deepEqual(Object.keys(responses['200']?.content ?? {}), ['application/json']);
    const problem = await app.inject('/api/things/missing');
    assert.equal(problem.statusCode, 400);
    assert.match(String(problem.headers['content-type']), /^application\/problem\+json/);
    assert.equal(problem.json().hint, 'try another', 'extensions are still serialized');
  });

  it('lets the schema judge a long path parameter: 256 characters of any script are accepted', async () => {
    const app = await appWithRoutes();
    const name = '\u{1F600}'.repeat(256); // 3,072 characters once percent-encoded
    const response = await app.inject(`/api/things/${encodeURIComponent(name)}`);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().name, name);
  });

  it('answers an over-long path parameter with a 400 problem, not a bare 414', async () => {
    const app = await appWithRoutes();
    for (const url of [`/api/things/${'x'.repeat(5000)}`, `/api/things/${'x'.repeat(300)}`]) {
      const response = await app.inject(url);
      assert.equal(response.statusCode, 400, url.length.toString());
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.equal(response.json().status, 400);
    }
  });

  it('answers a cursor that is not base64url with a 400 problem before any query', async () => {
    const app = await appWithRoutes();
    for (const cursor of ['\u{1F600}'.repeat(2000), 'not a cursor', 'abc=']) {
      const response = await app.inject(`/api/things/x?cursor=${encodeURIComponent(cursor)}`);
      assert.equal(response.statusCode, 400, cursor.slice(0, 20));
      assert.equal(response.json().type, 'urn:agora:problem:validation');
    }
    assert.equal((await app.inject('/api/things/x?cursor=eyJhIjoiYiJ9')).statusCode, 200);
  });
});

describe('token verification against a JWKS (as every service but users does it)', async () => {
  const issuer = await startTestIssuer();
  const { jwksUrl, keyId, privateKeyPem } = issuer;
  const refetchIntervalMs = 300;

  const { app } = await baseApp();
  await app.register(async (scope) => {
    await scope.register(tokenVerifier, {
      issuer: 'agora-users',
      audience: 'agora',
      jwksUrl,
      jwksRefetchIntervalMs: refetchIntervalMs,
    });
    scope.get('/private', { onRequest: [scope.authenticate] }, async (request) => ({ sub: request.user.sub }));
    scope.get('/managers', { onRequest: [scope.authenticate, requireRole('inventory-manager')] }, async () => ({
      ok: 1,
    }));
  });
  const call = (url: string, token: string) => app.inject({ url, headers: { authorization: `Bearer ${token}` } });
  const signed = (claims = userClaims(), header: Record<string, unknown> = { alg: 'ES256', kid: keyId }) =>
    craftToken(privateKeyPem, header, claims);

  it('accepts a token signed by a published key', async () => {
    const response = await call('/private', signed());
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().sub, 'u-1');
  });

  for (const [name, token] of [
    ['an expired token', () => signed(userClaims({ exp: Math.floor(Date.now() / 1000) - 60 }))],
    ['alg none', () => craftToken(undefined, { alg: 'none', kid: keyId }, userClaims())],
    ['an HS256 token', () => `${craftToken(undefined, { alg: 'HS256', kid: keyId }, userClaims())}c2lnbmF0dXJl`],
    ['an unknown key id', () => signed(userClaims(), { alg: 'ES256', kid: 'nope' })],
    ['a wrong audience', () => signed(userClaims({ aud: 'other' }))],
    ['a key not in the JWKS', () => craftToken(generateSigningKeyPem(), { alg: 'ES256', kid: keyId }, userClaims())],
  ] as const) {
    it(`refuses ${name} with 401`, async () => {
      const response = await call('/private', token());
      assert.equal(response.statusCode, 401);
      assert.match(String(response.headers['content-type']), /problem\+json/);
    });
  }

  it('answers 403 when the role is missing, 200 when held', async () => {
    assert.equal((await call('/managers', signed())).statusCode, 403);
    assert.equal((await call('/managers', signed(userClaims({ roles: ['inventory-manager'] })))).statusCode, 200);
  });

  const withoutClaim = (name: string) => {
    const claims = userClaims();
    delete claims[name];
    return claims;
  };
  for (const [name, claims] of [
    ['no exp (a token that never expires)', withoutClaim('exp')],
    ['no iss', withoutClaim('iss')],
    ['no aud', withoutClaim('aud')],
    ['no sub', withoutClaim('sub')],
    ['no roles', withoutClaim('roles')],
    ['no username', withoutClaim('username')],
    ['a numeric sub', userClaims({ sub: 42 })],
    ['an empty sub', userClaims({ sub: '' })],
    ['roles as a string', userClaims({ roles: 'inventory-manager' })],
    ['roles holding a number', userClaims({ roles: [1] })],
    ['a string exp', userClaims({ exp: 'never' })],
  ] as const) {
    it(`refuses a token with ${name} with 401, never 200 or 500`, async () => {
      for (const url of ['/private', '/managers']) {
        const response = await call(url, signed(claims));
        assert.equal(response.statusCode, 401, `${url}: ${response.body}`);
        assert.match(String(response.headers['content-type']), /problem\+json/);
      }
    });
  }

  it('does not fetch the JWKS again for every unknown key id, and keeps serving the known key', async () => {
    assert.equal((await call('/private', signed())).statusCode, 200, 'the known key is cached');
    const before = issuer.jwksRequests();
    const forged = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        call('/private', signed(userClaims(), { alg: 'ES256', kid: `forged-${index}` })),
      ),
    );
    assert.deepEqual(new Set(forged.map((response) => response.statusCode)), new Set([401]));
    assert.ok(issuer.jwksRequests() - before <= 1, `${issuer.jwksRequests() - before} fetches for 50 unknown kids`);
    assert.equal((await call('/private', signed())).statusCode, 200, 'real tokens still verify');
  });

  it('finds a newly published key once the minimum interval has passed', async () => {
    const rotated = issuer.rotate();
    const token = craftToken(rotated.privateKeyPem, { alg: 'ES256', kid: rotated.keyId }, userClaims());
    const started = Date.now();
    let status = 0;
    // Bounded: the key must be found within a few refetch intervals.
    while (Date.now() - started < refetchIntervalMs * 10) {
      status = (await call('/private', token)).statusCode;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, refetchIntervalMs / 3));
    }
    assert.equal(status, 200);
  });
});

/**
 * A JWKS endpoint in front of a test issuer that answers 503 until `usersUp` is set, counting the
 * fetches it gets; `verifyingApp` builds an app that verifies tokens against it.
 */
async function startUnsteadyJwks() {
  const issuer = await startTestIssuer();
  const state = { usersUp: false, fetches: 0 };
  const jwks = createServer(async (_request, response) => {
    state.fetches++;
    if (!state.usersUp) {
      response.writeHead(503).end();
      return;
    }
    const published = await fetch(issuer.jwksUrl);
    response.writeHead(200, { 'content-type': 'application/json' }).end(await published.text());
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  after(() => jwks.close());
  const verifyingApp = async () => {
    const { app } = await baseApp();
    await app.register(async (scope) => {
      await scope.register(tokenVerifier, {
        issuer: 'agora-users',
        audience: 'agora',
        jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
        // the interval that bounds forged kids: far longer than these tests may take
        jwksRefetchIntervalMs: 60_000,
      });
      scope.get('/private', { onRequest: [scope.authenticate] }, async (request) => ({ sub: request.user.sub }));
    });
    return app;
  };
  const token = craftToken(issuer.privateKeyPem, { alg: 'ES256', kid: issuer.keyId }, userClaims());
  return { state, verifyingApp, token };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a verifier whose JWKS fetch fails (users slow or down when it starts)', () => {
  it('answers 503 with Retry-After, not 401, and verifies real tokens once the keys are back, long before the refetch interval', async () => {
    const { state, verifyingApp, token } = await startUnsteadyJwks();
    const app = await verifyingApp();
    const call = () => app.inject({ url: '/private', headers: { authorization: `Bearer ${token}` } });

    const cold = await call();
    assert.equal(cold.statusCode, 503, cold.body);
    assert.equal(cold.headers['retry-after'], '1');
    assert.match(String(cold.headers['content-type']), /problem\+json/);

    state.usersUp = true;
    let status = 0;
    for (let attempt = 0; attempt < 40 && status !== 200; attempt++) {
      await pause(100);
      status = (await call()).statusCode;
    }
    assert.equal(status, 200, 'the real token verifies within seconds of the keys coming back');
    assert.ok(state.fetches <= 10, `${state.fetches} fetches: failures are retried at a bounded rate`);
  });
});

describe('a listening verifier fetches the keys as it starts', () => {
  it('so its first request waits on no fetch; an injected app fetches nothing ahead', async () => {
    const { state, verifyingApp, token } = await startUnsteadyJwks();
    state.usersUp = true;
    const injected = await verifyingApp();
    await injected.ready();
    await pause(300);
    assert.equal(state.fetches, 0, 'an app that does not listen fetches only when a token arrives');
    await injected.close();

    const listening = await verifyingApp();
    after(() => listening.close());
    await listening.listen({ port: 0, host: '127.0.0.1' });
    for (let waited = 0; state.fetches === 0 && waited < 5_000; waited += 50) await pause(50);
    await pause(100);
    const fetchesWithKeys = state.fetches;
    assert.equal(fetchesWithKeys, 1, 'one fetch as it started');

    const response = await listening.inject({ url: '/private', headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(state.fetches, fetchesWithKeys, 'the first request found the keys already fetched');
    await pause(1_200);
    assert.equal(state.fetches, fetchesWithKeys, 'once the keys are known the warm-up stops');
  });

  it('retries until users answers, and a request just after a failed attempt fetches at once, not refused', async () => {
    const { state, verifyingApp, token } = await startUnsteadyJwks();
    const listening = await verifyingApp();
    after(() => listening.close());
    await listening.listen({ port: 0, host: '127.0.0.1' });
    for (let waited = 0; state.fetches < 2 && waited < 5_000; waited += 50) await pause(50);
    assert.ok(state.fetches >= 2, `${state.fetches} fetches: the failed first fetch is retried without any request`);

    // users comes up between two of the warm-up's attempts: the request does not wait for the next
    state.usersUp = true;
    const response = await listening.inject({ url: '/private', headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.statusCode, 200, response.body);
    const fetchesWithKeys = state.fetches;
    await pause(1_200);
    assert.equal(state.fetches, fetchesWithKeys, 'once the keys are known the warm-up stops');
  });
});

describe('input the schema alone would not refuse', () => {
  async function appWithRoutes() {
    const { app } = await baseApp({ rateLimitPerMinute: 10_000 });
    app.post(
      '/api/notes',
      { schema: { body: Type.Object({ title: Type.String(), tags: Type.Optional(Type.Array(Type.String())) }) } },
      async (request) => ({ title: (request.body as { title: string }).title }),
    );
    app.get(
      '/api/notes',
      {
        schema: {
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
            ratio: Type.Optional(Type.Number()),
            flag: Type.Optional(Type.Boolean()),
            q: Type.Optional(Type.String()),
          }),
        },
      },
      async (request) => request.query,
    );
    app.delete('/api/notes/:noteId', async () => ({}));
    // a static path beside the parametric one (as GET /api/topics/live beside /api/topics/:topicId)
    app.get('/api/notes/feed', async () => ({}));
    await app.ready();
    return app;
  }
  const postJson = (app: Awaited<ReturnType<typeof appWithRoutes>>, raw: string) =>
    app.inject({ method: 'POST', url: '/api/notes', headers: { 'content-type': 'application/json' }, payload: raw });

  it('refuses text that is not well-formed Unicode with a 400 problem, wherever it is in the body', async () => {
    const app = await appWithRoutes();
    for (const raw of ['{"title":"\\ud800"}', '{"title":"a\\udc00b"}', '{"title":"ok","tags":["x","\\ud83d"]}']) {
      const response = await postJson(app, raw);
      assert.equal(response.statusCode, 400, `${raw}: ${response.body}`);
      assert.match(String(response.headers['content-type']), /problem\+json/);
    }
    const paired = await postJson(app, '{"title":"\\ud83d\\ude00"}');
    assert.equal(paired.statusCode, 200, 'a surrogate pair is a real character');
    assert.equal(paired.json().title, '\u{1F600}');
  });

  it('converts query text only when it is exactly a number or boolean', async () => {
    const app = await appWithRoutes();
    for (const query of [
      'limit=true',
      'limit=1.5',
      'limit=',
      'limit=0x10',
      'limit=1e1',
      'flag=1',
      'flag=yes',
      'ratio=abc',
    ]) {
      const response = await app.inject(`/api/notes?${query}`);
      assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
      assert.match(String(response.headers['content-type']), /problem\+json/);
    }
    const ok = await app.inject('/api/notes?limit=20&ratio=-0.5&flag=false&q=123');
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { limit: 20, ratio: -0.5, flag: false, q: '123' });
  });

  it('answers a method a path lacks with 405 and Allow, and an unknown path with 404', async () => {
    const app = await appWithRoutes();
    const put = await app.inject({ method: 'PUT', url: '/api/notes' });
    assert.equal(put.statusCode, 405, put.body);
    assert.match(String(put.headers['content-type']), /problem\+json/);
    assert.deepEqual(String(put.headers.allow).split(', ').sort(), ['GET', 'HEAD', 'POST']);
    const get = await app.inject({ method: 'GET', url: '/api/notes/n-1' });
    assert.equal(get.statusCode, 405);
    assert.equal(get.headers.allow, 'DELETE');
    assert.equal((await app.inject({ method: 'GET', url: '/api/nothing' })).statusCode, 404);
    // a method with a body but none sent (and no Content-Type) is still about the method
    const query = await app.inject({ method: 'QUERY' as 'GET', url: '/api/notes/n-1' });
    assert.equal(query.statusCode, 405, query.body);
    assert.equal(query.headers.allow, 'DELETE');
    // A static path is its own resource (OpenAPI matches concrete paths first): the parametric
    // route's methods that would also take it are not its methods.
    const onStatic = await app.inject({ method: 'PUT', url: '/api/notes/feed' });
    assert.equal(onStatic.statusCode, 405, onStatic.body);
    assert.equal(onStatic.headers.allow, 'GET, HEAD');
    // a method HTTP knows but Fastify does not route (WebDAV's) is about the method too
    const propfind = await app.inject({ method: 'PROPFIND' as 'GET', url: '/api/notes' });
    assert.equal(propfind.statusCode, 405, propfind.body);
    assert.match(String(propfind.headers['content-type']), /problem\+json/);
  });

  it("answers a method HTTP's parser does not know with a 501 problem, and closes the connection", async () => {
    const app = await appWithRoutes();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('FOO /api/notes HTTP/1.1\r\nhost: x\r\n\r\n'));
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk) => {
        text += chunk;
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 501 /);
    assert.match(head, /\r\ncontent-type: application\/problem\+json\r\n/i);
    assert.match(head, /\r\nconnection: close$/i);
    assert.equal(JSON.parse(body).status, 501);
  });
});

describe('transient AWS failures, after the SDK has retried', async () => {
  // A loopback endpoint speaking DynamoDB's JSON protocol that answers every call with one error:
  // the emulator cannot be made to throttle, and only a real SDK client shows the retries.
  let answer: { status: number; body: Record<string, unknown> } = { status: 400, body: {} };
  let calls = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      calls += 1;
      response
        .writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' })
        .end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const dynamo = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 3,
  });
  after(() => dynamo.destroy());

  const { app } = await baseApp();
  app.get('/api/thing', async () => {
    await dynamo.send(new GetItemCommand({ TableName: 'things', Key: { id: { S: 'x' } } }));
    return {};
  });

  const type = (name: string) => `com.amazonaws.dynamodb.v20120810#${name}`;
  const transient: [string, number, Record<string, unknown>][] = [
    ['throttling', 400, { __type: type('ThrottlingException'), message: 'Rate exceeded' }],
    ['exceeded throughput', 400, { __type: type('ProvisionedThroughputExceededException'), message: 'slow down' }],
    [
      'a transaction conflict',
      400,
      {
        __type: type('TransactionCanceledException'),
        message: 'Transaction cancelled',
        CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
      },
    ],
    ['an unavailable service', 503, { __type: type('ServiceUnavailable'), message: 'unavailable' }],
    ['an internal server error', 500, { __type: type('InternalServerError'), message: 'oops' }],
  ];
  for (const [name, status, body] of transient) {
    it(`answers ${name} with a 503 problem and Retry-After`, async () => {
      answer = { status, body };
      const before = calls;
      const response = await app.inject('/api/thing');
      assert.equal(response.statusCode, 503, response.body);
      assert.match(String(response.headers['content-type']), /problem\+json/);
      assert.ok(Number(response.headers['retry-after']) > 0, 'Retry-After');
      assert.doesNotMatch(response.body, /Rate exceeded|oops|Transaction/, 'no AWS detail leaks');
      if (name !== 'a transaction conflict') assert.equal(calls - before, 3, 'the SDK retried first');
    });
  }

  it('keeps a real fault (a failed condition, a bad request) a 500, not a 503', async () => {
    for (const body of [
      { __type: type('ValidationException'), message: 'bad key' },
      {
        __type: type('TransactionCanceledException'),
        message: 'Transaction cancelled',
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
      },
    ]) {
      answer = { status: 400, body };
      const response = await app.inject('/api/thing');
      assert.equal(response.statusCode, 500, response.body);
      assert.equal(response.headers['retry-after'], undefined);
    }
  });
});
