import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSigningKeyPem } from '@agora/tools/local/dev-key';
import { craftToken, decodePayload } from '@agora/tools/testing/crafted-tokens';
import { signingKeyFromPem } from '../src/signing-key.ts';
import { createUsersRepo } from '../src/users-repo.ts';
import { login, register, uniqueUsername, usersApp } from './harness.ts';

const { app, config, deployment } = await usersApp({
  LOGIN_ATTEMPTS_PER_MINUTE: '5',
  LOGIN_ATTEMPTS_PER_CLIENT_PER_MINUTE: '8',
  LOGIN_FAILURES_PER_USERNAME_PER_HOUR: '20',
  REGISTRATIONS_PER_CLIENT_PER_HOUR: '3',
});
const key = signingKeyFromPem(config.JWT_PRIVATE_KEY);

describe('POST /api/auth/login', () => {
  it('returns a short-lived ES256 token carrying the user id, name and roles', async () => {
    const user = await register(app, uniqueUsername('login'));
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '10.1.1.1',
      payload: { username: user.username, password: user.password },
    });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.tokenType, 'Bearer');
    assert.equal(body.expiresIn, 900);
    const header = JSON.parse(Buffer.from(body.accessToken.split('.')[0], 'base64url').toString());
    assert.equal(header.alg, 'ES256');
    assert.equal(header.kid, key.keyId);
    const claims = decodePayload(body.accessToken);
    assert.equal(claims.sub, user.userId);
    assert.equal(claims.iss, 'agora-users');
    assert.equal(claims.aud, 'agora');
    assert.deepEqual(claims.roles, []);
    assert.equal(Number(claims.exp) - Number(claims.iat), 900);
  });

  it('accepts the username in any case', async () => {
    const user = await register(app, uniqueUsername('MixedCase'));
    assert.ok(await login(app, user.username.toLowerCase()));
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    const user = await register(app, uniqueUsername('wrongpw'));
    for (const payload of [
      { username: user.username, password: 'not the password' },
      { username: uniqueUsername('nobody'), password: 'whatever password' },
    ]) {
      const response = await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.2.2.2', payload });
      assert.equal(response.statusCode, 401);
      assert.match(String(response.headers['content-type']), /problem\+json/);
      assert.equal(response.json().detail, 'Unknown username or wrong password');
    }
  });

  const attempt = (target: typeof app, username: string, remoteAddress: string, password = 'guessing wrong') =>
    target.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { username, password } });

  it('limits one client guessing one username', async () => {
    const user = await register(app, uniqueUsername('limited'));
    const statuses: number[] = [];
    for (let index = 0; index < 7; index++) statuses.push((await attempt(app, user.username, '10.0.0.1')).statusCode);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
    const limited = await attempt(app, user.username, '10.0.0.1');
    assert.match(String(limited.headers['content-type']), /problem\+json/);
    assert.ok(Number(limited.headers['retry-after']) > 0);
  });

  it('does not let anyone lock a user out: wrong passwords from other clients leave the real user able to log in', async () => {
    const user = await register(app, uniqueUsername('victim'));
    for (let index = 0; index < 12; index++) {
      assert.equal((await attempt(app, user.username, `10.66.0.${index + 1}`)).statusCode, 401);
    }
    const real = await attempt(app, user.username, '10.77.0.1', user.password);
    assert.equal(real.statusCode, 200, real.body);
  });

  it('limits attempts per client, whichever usernames it tries', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 10; index++) {
      statuses.push((await attempt(app, uniqueUsername('spray'), '10.9.9.9')).statusCode);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401, 401, 401, 429, 429]);
    const limited = await attempt(app, 'x', '10.9.9.9');
    assert.match(String(limited.headers['content-type']), /problem\+json/);
    assert.ok(limited.headers['retry-after']);
  });

  it('keeps a slower budget of failures per username, across all clients', async () => {
    const user = await register(app, uniqueUsername('distributed'));
    const statuses: number[] = [];
    for (let index = 0; index < 22; index++) {
      statuses.push((await attempt(app, user.username, `10.88.${index}.1`)).statusCode);
    }
    assert.deepEqual(statuses, [...Array(20).fill(401), 429, 429]);
  });
});

describe('limits that hold across tasks', async () => {
  // A second task of the same service: same tables, same signing key, its own memory.
  const second = await usersApp(
    {
      LOGIN_ATTEMPTS_PER_MINUTE: '5',
      LOGIN_ATTEMPTS_PER_CLIENT_PER_MINUTE: '8',
      REGISTRATIONS_PER_CLIENT_PER_HOUR: '3',
    },
    { deployment, signingKeyPem: config.JWT_PRIVATE_KEY },
  );
  const tasks = [app, second.app];

  it('counts login attempts from every task against one budget', async () => {
    const user = await register(app, uniqueUsername('twotasks'));
    const statuses: number[] = [];
    for (let index = 0; index < 8; index++) {
      const response = await tasks[index % 2]?.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.50.0.1',
        payload: { username: user.username, password: 'guessing wrong' },
      });
      statuses.push(response?.statusCode ?? 0);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
  });

  it('counts registrations from every task against one budget per client', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 5; index++) {
      const response = await tasks[index % 2]?.inject({
        method: 'POST',
        url: '/api/users',
        remoteAddress: '10.51.0.1',
        payload: { username: uniqueUsername('signup'), password: 'correct horse battery', displayName: 'Signer' },
      });
      statuses.push(response?.statusCode ?? 0);
    }
    assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
  });
});

describe('GET /.well-known/jwks.json', () => {
  it('publishes the public key that verifies tokens, and nothing private', async () => {
    const response = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    assert.equal(response.statusCode, 200);
    const { keys } = response.json();
    assert.equal(keys.length, 1);
    assert.deepEqual(Object.keys(keys[0]).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    assert.equal(keys[0].kid, key.keyId);
  });
});

describe('token verification on GET /api/users/me', () => {
  const me = (token: string) =>
    app.inject({ method: 'GET', url: '/api/users/me', headers: { authorization: `Bearer ${token}` } });
  const now = Math.floor(Date.now() / 1000);
  const claims = (userId: string) => ({
    sub: userId,
    username: 'x',
    name: 'x',
    roles: [],
    iss: 'agora-users',
    aud: 'agora',
    iat: now,
    exp: now + 300,
  });

  it('accepts a valid token', async () => {
    const user = await register(app, uniqueUsername('valid'));
    const response = await me(await login(app, user.username));
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().userId, user.userId);
    assert.deepEqual(response.json().roles, []);
  });

  it('answers 401 without a token', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/users/me' });
    assert.equal(response.statusCode, 401);
    assert.match(String(response.headers['content-type']), /problem\+json/);
  });

  const refused: [string, (userId: string, token: string) => string][] = [
    [
      'an expired token',
      (id) =>
        craftToken(
          config.JWT_PRIVATE_KEY,
          { alg: 'ES256', kid: key.keyId },
          { ...claims(id), iat: now - 3600, exp: now - 1800 },
        ),
    ],
    ['an alg:none token', (id) => craftToken(undefined, { alg: 'none' }, claims(id))],
    [
      'a token whose claims were tampered with',
      (_id, token) => {
        const [header, , signature] = token.split('.');
        const payload = { ...decodePayload(token), roles: ['inventory-manager'] };
        return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
      },
    ],
    [
      'a token signed by another key',
      (id) => craftToken(generateSigningKeyPem(), { alg: 'ES256', kid: key.keyId }, claims(id)),
    ],
    [
      'a token for another audience',
      (id) => craftToken(config.JWT_PRIVATE_KEY, { alg: 'ES256', kid: key.keyId }, { ...claims(id), aud: 'elsewhere' }),
    ],
    [
      'a token from another issuer',
      (id) => craftToken(config.JWT_PRIVATE_KEY, { alg: 'ES256', kid: key.keyId }, { ...claims(id), iss: 'mallory' }),
    ],
    ['garbage', () => 'not.a.jwt'],
  ];
  for (const [name, make] of refused) {
    it(`answers 401 to ${name}`, async () => {
      const user = await register(app, uniqueUsername('refuse'));
      const response = await me(make(user.userId, await login(app, user.username)));
      assert.equal(response.statusCode, 401, response.body);
      assert.match(String(response.headers['content-type']), /problem\+json/);
    });
  }
});

describe('roles', () => {
  it('are granted by operators only, and reach the token at the next login', async () => {
    const user = await register(app, uniqueUsername('manager'));
    const users = createUsersRepo(deployment.clients.documents, config.USERS_TABLE);
    await users.setRole(user.userId, 'inventory-manager', true);
    const token = await login(app, user.username);
    assert.deepEqual(decodePayload(token).roles, ['inventory-manager']);

    await users.setRole(user.userId, 'inventory-manager', false);
    assert.deepEqual(decodePayload(await login(app, user.username)).roles, []);
  });
});

describe('POST /api/auth/login bad input', () => {
  const cases: [string, { payload?: unknown; headers?: Record<string, string>; raw?: string }, number][] = [
    ['an empty object', { payload: {} }, 400],
    ['a missing password', { payload: { username: 'someone' } }, 400],
    ['a numeric username', { payload: { username: 42, password: 'long enough password' } }, 400],
    ['an unknown field', { payload: { username: 'a', password: 'b', remember: true } }, 400],
    ['an over-long username', { payload: { username: 'u'.repeat(65), password: 'b' } }, 400],
    ['an over-long password', { payload: { username: 'u', password: 'p'.repeat(257) } }, 400],
    ['malformed JSON', { raw: '{"username":', headers: { 'content-type': 'application/json' } }, 400],
    [
      'a form body',
      { raw: 'username=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      415,
    ],
  ];
  for (const [name, request, status] of cases) {
    it(`answers ${status} problem+json to ${name}`, async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: `10.3.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
        ...(request.raw !== undefined
          ? { payload: request.raw, headers: request.headers }
          : { payload: request.payload as object }),
      });
      assert.equal(response.statusCode, status, response.body);
      assert.match(String(response.headers['content-type']), /problem\+json/);
    });
  }
});
