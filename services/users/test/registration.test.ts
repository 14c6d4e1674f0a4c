import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { register, uniqueAddress, uniqueUsername, usersApp } from './harness.ts';

const { app, logs } = await usersApp();

function assertProblem(
  response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
) {
  assert.equal(response.statusCode, status);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const body = response.json() as { status: number; title: string };
  assert.equal(body.status, status);
  assert.equal(typeof body.title, 'string');
  return body;
}

describe('POST /api/users', () => {
  it('registers a user and never returns the password or its hash', async () => {
    const username = uniqueUsername('Ada');
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username, password: 'correct horse battery', displayName: 'Ada Lovelace' },
    });
    assert.equal(response.statusCode, 201);
    const user = response.json();
    assert.equal(user.username, username);
    assert.equal(user.displayName, 'Ada Lovelace');
    assert.match(user.userId, /^[0-9a-f-]{36}$/);
    assert.equal(response.headers.location, `/api/users/${user.userId}`);
    assert.doesNotMatch(response.body, /password|scrypt|correct horse/i);
  });

  it('treats usernames as unique regardless of case', async () => {
    const username = uniqueUsername('grace');
    await register(app, username);
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username: username.toUpperCase(), password: 'another long password', displayName: 'Imposter' },
    });
    const problem = assertProblem(response, 409);
    assert.match(String((problem as { detail?: string }).detail), /taken/);
  });

  it('gives exactly one 201 to 20 concurrent registrations of the same username', async () => {
    const username = uniqueUsername('race');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: '/api/users',
          remoteAddress: uniqueAddress(),
          payload: { username, password: 'correct horse battery', displayName: `Racer ${i}` },
        }),
      ),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    assert.deepEqual(statuses, [201, ...Array(19).fill(409)]);
  });

  const valid = { username: 'valid_name', password: 'long enough password', displayName: 'Valid' };
  const badBodies: [string, unknown, number][] = [
    ['no body fields', {}, 400],
    ['missing password', { username: 'someone', displayName: 'X' }, 400],
    ['missing displayName', { username: 'someone', password: 'long enough password' }, 400],
    ['username is a number', { ...valid, username: 12345 }, 400],
    ['password is an array', { ...valid, password: ['long enough password'] }, 400],
    ['displayName is null', { ...valid, displayName: null }, 400],
    ['username too short', { ...valid, username: 'ab' }, 400],
    ['username too long', { ...valid, username: 'a'.repeat(33) }, 400],
    ['displayName with an unpaired surrogate', { ...valid, displayName: 'Ada \ud800' }, 400],
    ['username with a space', { ...valid, username: 'has space' }, 400],
    ['username with a dash', { ...valid, username: 'has-dash' }, 400],
    ['password shorter than 10', { ...valid, password: 'short' }, 400],
    ['displayName too long', { ...valid, displayName: 'x'.repeat(65) }, 400],
    ['displayName blank', { ...valid, displayName: '   ' }, 400],
    ['unknown field', { ...valid, isAdmin: true }, 400],
    ['roles supplied by the client', { ...valid, roles: ['inventory-manager'] }, 400],
    ['a JSON array instead of an object', [valid], 400],
  ];
  for (const [name, payload, status] of badBodies) {
    it(`answers ${status} problem+json to ${name}`, async () => {
      const response = await app.inject({ method: 'POST', url: '/api/users', payload: payload as object });
      assertProblem(response, status);
    });
  }

  it('answers 400 to malformed JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": "x",',
    });
    assertProblem(response, 400);
  });

  it('answers 415 to a body that is not JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { 'content-type': 'text/plain' },
      payload: 'username=x',
    });
    assertProblem(response, 415);
  });

  it('answers 413 to an oversized body', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { ...valid, displayName: 'x'.repeat(100_000) },
    });
    assertProblem(response, 413);
  });

  it('never writes a password or its hash to the log', async () => {
    await register(app, uniqueUsername('logcheck'));
    const text = JSON.stringify(logs.lines());
    assert.doesNotMatch(text, /correct horse battery/);
    assert.doesNotMatch(text, /scrypt\$/);
  });
});
