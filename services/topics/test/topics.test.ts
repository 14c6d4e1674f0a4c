import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertProblem } from '@agora/tools/testing/http-assertions';
import { subscribeTestQueue } from '@agora/tools/testing/probe-queues';
import { type TestUser, testUser } from '@agora/tools/testing/token-issuer';
import { topicsApp } from './harness.ts';

const { app, issuer, deployment } = await topicsApp();

const auth = (user: TestUser) => ({ authorization: `Bearer ${issuer.token(user)}` });

async function createTopic(user: TestUser, title = 'A topic', body?: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/topics',
    headers: auth(user),
    payload: { title, ...(body ? { body } : {}) },
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json() as { topicId: string; title: string; lastActivityAt: string };
}

describe('POST /api/topics', () => {
  it('creates a topic and announces it (with its first message) on the forum events topic', async () => {
    const probe = await subscribeTestQueue(deployment, 'messagesEventsQueue');
    const ada = testUser('ada');
    const response = await app.inject({
      method: 'POST',
      url: '/api/topics',
      headers: auth(ada),
      payload: { title: 'Engines', body: 'Shall we compute?' },
    });
    assert.equal(response.statusCode, 201);
    const topic = response.json();
    assert.equal(response.headers.location, `/api/topics/${topic.topicId}`);
    assert.equal(topic.title, 'Engines');
    assert.equal(topic.authorId, ada.userId);
    assert.equal(topic.messageCount, 0);
    assert.equal(topic.lastActivityAt, topic.createdAt);

    const events = (await probe.receiveAll({ waitMs: 1000 })).filter((e) => e.body.topicId === topic.topicId);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.attributes.type, 'topic.created');
    assert.equal(events[0]?.body.authorName, ada.name);
    assert.deepEqual((events[0]?.body.firstMessage as { body?: string } | undefined)?.body, 'Shall we compute?');
  });

  it('answers 401 without a token, and to a token from another issuer', async () => {
    assertProblem(await app.inject({ method: 'POST', url: '/api/topics', payload: { title: 'x' } }), 401);
    const forged = issuer.token(testUser(), { iss: 'mallory' });
    assertProblem(
      await app.inject({
        method: 'POST',
        url: '/api/topics',
        headers: { authorization: `Bearer ${forged}` },
        payload: { title: 'x' },
      }),
      401,
    );
  });

  for (const [name, payload] of [
    ['an empty title', { title: '' }],
    ['a blank title', { title: '   ' }],
    ['a 201-character title', { title: 'x'.repeat(201) }],
    ['no title', { body: 'hello' }],
    ['a title that is not a string', { title: 42 }],
    ['an empty first message', { title: 'ok', body: '' }],
    ['a first message over 10,000 characters', { title: 'ok', body: 'x'.repeat(10001) }],
    ['an unknown field', { title: 'ok', authorId: 'someone-else' }],
    ['an array', [{ title: 'ok' }]],
  ] as const) {
    it(`answers 400 problem+json to ${name}`, async () => {
      assertProblem(
        await app.inject({ method: 'POST', url: '/api/topics', headers: auth(testUser()), payload: payload as object }),
        400,
      );
    });
  }

  it('answers 415 to a body that is not JSON and 400 to malformed JSON', async () => {
    const headers = auth(testUser());
    assertProblem(
      await app.inject({
        method: 'POST',
        url: '/api/topics',
        headers: { ...headers, 'content-type': 'text/plain' },
        payload: 'title',
      }),
      415,
    );
    assertProblem(
      await app.inject({
        method: 'POST',
        url: '/api/topics',
        headers: { ...headers, 'content-type': 'application/json' },
        payload: '{"title":',
      }),
      400,
    );
  });

  it('accepts a 200-character title', async () => {
    const topic = await createTopic(testUser(), 't'.repeat(200));
    assert.equal(topic.title.length, 200);
  });
});

describe('GET /api/topics', () => {
  it('lists topics by latest activity, newest first, page by page', async () => {
    const user = testUser();
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createTopic(user, `paged ${i}`)).topicId);
    const seen: { topicId: string; lastActivityAt: string }[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const response = await app.inject({
        method: 'GET',
        url: '/api/topics',
        query: { limit: '2', ...(cursor ? { cursor } : {}) },
      });
      assert.equal(response.statusCode, 200);
      const page = response.json();
      assert.ok(page.items.length <= 2);
      seen.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    const ids = seen.map((topic) => topic.topicId);
    assert.equal(new Set(ids).size, ids.length, 'no topic twice');
    const times = seen.map((topic) => topic.lastActivityAt);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest activity first');
    const mine = ids.filter((id) => created.includes(id));
    assert.deepEqual(mine, [...created].reverse());
  });

  for (const [name, query] of [
    ['limit 0', { limit: '0' }],
    ['limit 101', { limit: '101' }],
    ['a cursor this API never issued', { cursor: 'bm90LWEtY3Vyc29y' }],
    ['a cursor with the wrong keys', { cursor: Buffer.from('{"topicId":"x"}').toString('base64url') }],
    ['an unknown parameter', { sort: 'title' }],
  ] as const) {
    it(`answers 400 problem+json to ${name}`, async () => {
      assertProblem(await app.inject({ method: 'GET', url: '/api/topics', query }), 400);
    });
  }
});

describe('GET /api/topics/{topicId}', () => {
  it('shows a topic with its message count and latest activity', async () => {
    const topic = await createTopic(testUser(), 'Readable');
    const response = await app.inject({ method: 'GET', url: `/api/topics/${topic.topicId}` });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(Object.keys(response.json()).sort(), [
      'authorId',
      'createdAt',
      'lastActivityAt',
      'messageCount',
      'title',
      'topicId',
    ]);
  });

  it('answers 404 problem+json for an unknown topic and 400 for a malformed id', async () => {
    assertProblem(await app.inject({ method: 'GET', url: '/api/topics/00000000-0000-7000-8000-000000000000' }), 404);
    assertProblem(await app.inject({ method: 'GET', url: '/api/topics/counted%23posted%23x' }), 400);
    assertProblem(await app.inject({ method: 'GET', url: `/api/topics/${'a'.repeat(65)}` }), 400);
  });
});

describe('PATCH /api/topics/{topicId}', () => {
  it('lets the author change the title', async () => {
    const author = testUser();
    const topic = await createTopic(author, 'Before');
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/topics/${topic.topicId}`,
      headers: auth(author),
      payload: { title: 'After' },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().title, 'After');
    assert.ok(response.json().editedAt);
  });

  it('answers 403 to anyone else and leaves the topic as it was', async () => {
    const topic = await createTopic(testUser(), 'Mine');
    assertProblem(
      await app.inject({
        method: 'PATCH',
        url: `/api/topics/${topic.topicId}`,
        headers: auth(testUser('mallory')),
        payload: { title: 'Yours' },
      }),
      403,
    );
    const after = await app.inject({ method: 'GET', url: `/api/topics/${topic.topicId}` });
    assert.equal(after.json().title, 'Mine');
  });

  it('answers 401, 404 and 400 problem+json as due', async () => {
    const author = testUser();
    const topic = await createTopic(author);
    assertProblem(
      await app.inject({ method: 'PATCH', url: `/api/topics/${topic.topicId}`, payload: { title: 'x' } }),
      401,
    );
    assertProblem(
      await app.inject({
        method: 'PATCH',
        url: '/api/topics/00000000-0000-7000-8000-000000000000',
        headers: auth(author),
        payload: { title: 'x' },
      }),
      404,
    );
    for (const payload of [{}, { title: '' }, { title: 'ok', messageCount: 9 }]) {
      assertProblem(
        await app.inject({ method: 'PATCH', url: `/api/topics/${topic.topicId}`, headers: auth(author), payload }),
        400,
      );
    }
  });
});

describe('DELETE /api/topics/{topicId}', () => {
  it('lets the author delete the topic and announces topic.deleted', async () => {
    const probe = await subscribeTestQueue(deployment, 'messagesEventsQueue');
    const author = testUser();
    const topic = await createTopic(author);
    const response = await app.inject({ method: 'DELETE', url: `/api/topics/${topic.topicId}`, headers: auth(author) });
    assert.equal(response.statusCode, 204);
    assertProblem(await app.inject({ method: 'GET', url: `/api/topics/${topic.topicId}` }), 404);
    const types = (await probe.receiveAll({ waitMs: 1000 }))
      .filter((event) => event.body.topicId === topic.topicId)
      .map((event) => event.attributes.type);
    assert.deepEqual(types.sort(), ['topic.created', 'topic.deleted']);
  });

  it('answers 403 to anyone else, 401 without a token, 404 when already gone', async () => {
    const author = testUser();
    const topic = await createTopic(author);
    assertProblem(
      await app.inject({ method: 'DELETE', url: `/api/topics/${topic.topicId}`, headers: auth(testUser()) }),
      403,
    );
    assertProblem(await app.inject({ method: 'DELETE', url: `/api/topics/${topic.topicId}` }), 401);
    await app.inject({ method: 'DELETE', url: `/api/topics/${topic.topicId}`, headers: auth(author) });
    assertProblem(
      await app.inject({ method: 'DELETE', url: `/api/topics/${topic.topicId}`, headers: auth(author) }),
      404,
    );
  });
});
