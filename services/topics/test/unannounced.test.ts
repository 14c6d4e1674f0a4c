/** A topic whose creation cannot be announced is withdrawn: the client gets a 503, never a dead topic. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertProblem } from '@agora/tools/testing/http-assertions';
import { testUser } from '@agora/tools/testing/token-issuer';
import { topicsApp } from './harness.ts';

const { app, issuer } = await topicsApp({
  events: {
    publish: async () => {
      throw new Error('SNS is unreachable');
    },
  },
});

describe('POST /api/topics when events cannot be published', () => {
  it('answers 503 problem+json and leaves no topic behind', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/topics',
      headers: { authorization: `Bearer ${issuer.token(testUser())}` },
      payload: { title: 'Never announced' },
    });
    assertProblem(response, 503);
    const listed = (await app.inject({ method: 'GET', url: '/api/topics' })).json();
    assert.deepEqual(listed.items, []);
  });
});
