import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertProblem } from '@agora/tools/testing/http-assertions';
import { subscribeTestQueue } from '@agora/tools/testing/probe-queues';
import { testUser } from '@agora/tools/testing/token-issuer';
import { messagesApp } from './harness.ts';

const { app, deployment, auth, openTopic, post, handlers } = await messagesApp();

async function pageThrough(url: string, limit: number) {
  const seen: { messageId: string; body: string; authorName: string }[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const response = await app.inject({
      method: 'GET',
      url,
      query: { limit: String(limit), ...(cursor ? { cursor } : {}) },
    });
    assert.equal(response.statusCode, 200, response.body);
    const page = response.json();
    assert.ok(page.items.length <= limit);
    seen.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return seen;
}

describe('POST /api/topics/{topicId}/messages', () => {
  it('posts a message with the author name from the token and announces message.posted', async () => {
    const probe = await subscribeTestQueue(deployment, 'topicsEventsQueue');
    const ada = testUser('ada');
    const topicId = await openTopic();
    const response = await app.inject({
      method: 'POST',
      url: `/api/topics/${topicId}/messages`,
      headers: auth(ada),
      payload: { body: 'First!' },
    });
    assert.equal(response.statusCode, 201, response.body);
    const message = response.json();
    assert.equal(response.headers.location, `/api/messages/${message.messageId}`);
    assert.deepEqual(
      { topicId: message.topicId, authorId: message.authorId, authorName: message.authorName, body: message.body },
      { topicId, authorId: ada.userId, authorName: ada.name, body: 'First!' },
    );
    assert.equal(message.authorNameAt, undefined, 'internal bookkeeping is not shown');
    const events = (await probe.receiveAll({ waitMs: 1000 })).filter((e) => e.body.messageId === message.messageId);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.attributes.type, 'message.posted');
  });

  it('answers 404 problem+json for a topic it never heard of, and for a deleted topic', async () => {
    const user = testUser();
    assertProblem(
      await app.inject({
        method: 'POST',
        url: '/api/topics/00000000-0000-7000-8000-000000000000/messages',
        headers: auth(user),
        payload: { body: 'anyone?' },
      }),
      404,
    );
    const topicId = await openTopic();
    await post(user, topicId);
    await handlers['topic.deleted']?.({ topicId, deletedAt: new Date().toISOString() });
    assertProblem(
      await app.inject({
        method: 'POST',
        url: `/api/topics/${topicId}/messages`,
        headers: auth(user),
        payload: { body: 'too late' },
      }),
      404,
    );
  });

  it('answers 401 without a token', async () => {
    const topicId = await openTopic();
    assertProblem(
      await app.inject({ method: 'POST', url: `/api/topics/${topicId}/messages`, payload: { body: 'x' } }),
      401,
    );
  });

  it('accepts a body of exactly 10,000 characters', async () => {
    const message = await post(testUser(), await openTopic(), 'y'.repeat(10000));
    assert.ok(message.messageId);
  });

  for (const [name, payload] of [
    ['an empty body', { body: '' }],
    ['a blank body', { body: ' \n ' }],
    ['a body over 10,000 characters', { body: 'x'.repeat(10001) }],
    ['no body', {}],
    ['a body that is not a string', { body: ['x'] }],
    ['an unknown field', { body: 'x', authorName: 'Someone Else' }],
  ] as const) {
    it(`answers 400 problem+json to ${name}`, async () => {
      const topicId = await openTopic();
      assertProblem(
        await app.inject({
          method: 'POST',
          url: `/api/topics/${topicId}/messages`,
          headers: auth(testUser()),
          payload: payload as object,
        }),
        400,
      );
    });
  }

  it('answers 400 to a malformed topic id and 415 to a body that is not JSON', async () => {
    const headers = auth(testUser());
    assertProblem(
      await app.inject({
        method: 'POST',
        url: '/api/topics/author%23x/messages',
        headers,
        payload: { body: 'x' },
      }),
      400,
    );
    assertProblem(
      await app.inject({
        method: 'POST',
        url: `/api/topics/${await openTopic()}/messages`,
        headers: { ...headers, 'content-type': 'text/plain' },
        payload: 'x',
      }),
      415,
    );
  });
});

describe('GET /api/topics/{topicId}/messages', () => {
  it('pages through a topic oldest first with opaque cursors', async () => {
    const topicId = await openTopic();
    const user = testUser();
    const posted: string[] = [];
    for (let i = 0; i < 7; i++) posted.push((await post(user, topicId, `message ${i}`)).messageId);
    const seen = await pageThrough(`/api/topics/${topicId}/messages`, 3);
    assert.deepEqual(
      seen.map((m) => m.messageId),
      posted,
    );
    assert.ok(seen.every((m) => m.authorName === user.name));
  });

  it('answers an empty page for a topic with no messages yet', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/topics/${await openTopic()}/messages` });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json().items, []);
  });

  it('answers 404 for an unknown or deleted topic', async () => {
    assertProblem(
      await app.inject({ method: 'GET', url: '/api/topics/00000000-0000-7000-8000-000000000000/messages' }),
      404,
    );
    const topicId = await openTopic();
    await handlers['topic.deleted']?.({ topicId, deletedAt: new Date().toISOString() });
    assertProblem(await app.inject({ method: 'GET', url: `/api/topics/${topicId}/messages` }), 404);
  });

  it('answers 400 to bad paging and to a cursor from another topic', async () => {
    const topicId = await openTopic();
    const other = await openTopic();
    const user = testUser();
    for (let i = 0; i < 3; i++) await post(user, other);
    const { nextCursor } = (
      await app.inject({ method: 'GET', url: `/api/topics/${other}/messages`, query: { limit: '1' } })
    ).json();
    assert.ok(nextCursor);
    const queries: Record<string, string>[] = [
      { limit: '0' },
      { limit: '101' },
      { cursor: 'garbage!' },
      { cursor: nextCursor },
      { x: '1' },
    ];
    for (const query of queries) {
      assertProblem(await app.inject({ method: 'GET', url: `/api/topics/${topicId}/messages`, query }), 400);
    }
  });

  it('answers 400 to a forged cursor of the right keys, never 500 or the topic record as a message', async () => {
    const topicId = await openTopic();
    await post(testUser(), topicId);
    const forge = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');
    for (const sortKey of ['!', '#topic', 42, 'msg#not-an-id', '', '\ud800']) {
      const response = await app.inject({
        method: 'GET',
        url: `/api/topics/${topicId}/messages`,
        query: { cursor: forge({ topicId, sortKey }) },
      });
      assertProblem(response, 400);
    }
    const author = testUser();
    for (const sortKey of ['!', 7]) {
      const response = await app.inject({
        method: 'GET',
        url: `/api/users/${author.userId}/messages`,
        query: { cursor: forge({ topicId, sortKey, authorId: author.userId }) },
      });
      assertProblem(response, 400);
    }
  });
});

describe('PATCH and DELETE /api/messages/{messageId}', () => {
  it('lets the author edit, and answers 403 to anyone else', async () => {
    const author = testUser();
    const message = await post(author, await openTopic(), 'original');
    assertProblem(
      await app.inject({
        method: 'PATCH',
        url: `/api/messages/${message.messageId}`,
        headers: auth(testUser('mallory')),
        payload: { body: 'defaced' },
      }),
      403,
    );
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/messages/${message.messageId}`,
      headers: auth(author),
      payload: { body: 'edited' },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().body, 'edited');
    assert.ok(response.json().editedAt);
  });

  it('lets the author delete (message.deleted announced), and answers 403 to anyone else', async () => {
    const probe = await subscribeTestQueue(deployment, 'topicsEventsQueue');
    const author = testUser();
    const topicId = await openTopic();
    const message = await post(author, topicId);
    assertProblem(
      await app.inject({ method: 'DELETE', url: `/api/messages/${message.messageId}`, headers: auth(testUser()) }),
      403,
    );
    const response = await app.inject({
      method: 'DELETE',
      url: `/api/messages/${message.messageId}`,
      headers: auth(author),
    });
    assert.equal(response.statusCode, 204);
    const listed = (await app.inject({ method: 'GET', url: `/api/topics/${topicId}/messages` })).json();
    assert.deepEqual(listed.items, []);
    const types = (await probe.receiveAll({ waitMs: 1000 }))
      .filter((e) => e.body.messageId === message.messageId)
      .map((e) => e.attributes.type);
    assert.deepEqual(types, ['message.posted', 'message.deleted']);
    assertProblem(
      await app.inject({ method: 'DELETE', url: `/api/messages/${message.messageId}`, headers: auth(author) }),
      404,
    );
  });

  it('answers 401, 404 and 400 problem+json as due', async () => {
    const author = testUser();
    const message = await post(author, await openTopic());
    assertProblem(
      await app.inject({ method: 'PATCH', url: `/api/messages/${message.messageId}`, payload: { body: 'x' } }),
      401,
    );
    assertProblem(await app.inject({ method: 'DELETE', url: `/api/messages/${message.messageId}` }), 401);
    assertProblem(
      await app.inject({
        method: 'PATCH',
        url: '/api/messages/00000000-0000-7000-8000-000000000000',
        headers: auth(author),
        payload: { body: 'x' },
      }),
      404,
    );
    for (const payload of [{}, { body: '' }, { body: 'x', authorId: 'me' }]) {
      assertProblem(
        await app.inject({
          method: 'PATCH',
          url: `/api/messages/${message.messageId}`,
          headers: auth(author),
          payload,
        }),
        400,
      );
    }
    assertProblem(
      await app.inject({ method: 'DELETE', url: '/api/messages/not%20an%20id', headers: auth(author) }),
      400,
    );
  });
});

describe('GET /api/users/{userId}/messages', () => {
  it("pages through a user's messages across topics, newest first", async () => {
    const user = testUser();
    const posted: string[] = [];
    for (let i = 0; i < 5; i++) posted.push((await post(user, await openTopic(), `by user ${i}`)).messageId);
    await post(testUser(), await openTopic(), 'someone else');
    const seen = await pageThrough(`/api/users/${user.userId}/messages`, 2);
    assert.deepEqual(
      seen.map((m) => m.messageId),
      [...posted].reverse(),
    );
  });

  it('answers an empty page for a user with no messages, 400 to bad paging', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/users/${testUser().userId}/messages` });
    assert.deepEqual(response.json().items, []);
    const queries: Record<string, string>[] = [
      { limit: '-1' },
      { cursor: Buffer.from('{"a":1}').toString('base64url') },
    ];
    for (const query of queries) {
      assertProblem(await app.inject({ method: 'GET', url: `/api/users/${testUser().userId}/messages`, query }), 400);
    }
  });
});
