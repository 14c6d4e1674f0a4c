/** A message whose posting cannot be announced is withdrawn: the client gets a 503, counts stay true. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertProblem } from '@agora/tools/testing/http-assertions';
import { testUser } from '@agora/tools/testing/token-issuer';
import { messagesApp } from './harness.ts';

const { app, auth, openTopic } = await messagesApp({
  events: {
    publish: async () => {
      throw new Error('SNS is unreachable');
    },
  },
});

describe('POST /api/topics/{topicId}/messages when events cannot be published', () => {
  it('answers 503 problem+json and leaves no message behind', async () => {
    const user = testUser();
    const topicId = await openTopic();
    assertProblem(
      await app.inject({
        method: 'POST',
        url: `/api/topics/${topicId}/messages`,
        headers: auth(user),
        payload: { body: 'lost in the post' },
      }),
      503,
    );
    const listed = (await app.inject({ method: 'GET', url: `/api/topics/${topicId}/messages` })).json();
    assert.deepEqual(listed.items, []);
  });
});
