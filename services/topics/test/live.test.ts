/**
 * GET /api/topics/live on the emulator: two apps stand for two topics tasks, each with its own
 * live queue on the forum events topic; a browser on either sees every change, once, in the
 * contract's shape (the topic exactly as GET /api/topics/:topicId shows it).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { snsEventPublisher } from '@agora/runtime/events';
import { readEventStream } from '@agora/tools/testing/event-stream-reader';
import { testUser } from '@agora/tools/testing/token-issuer';
import { until } from '@agora/tools/wait';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { topicsEventHandlers } from '../src/events.ts';
import { topicsApp } from './harness.ts';

const first = await topicsApp({ startLive: true });
// A second task of the same deployment: same table and topic, its own live queue.
const second = await topicsApp({ startLive: true, deployment: first.deployment, issuer: first.issuer });
const tasks = [first, second];
for (const task of tasks) {
  await task.app.listen({ port: 0, host: '127.0.0.1' });
}
const urlOf = (task: typeof first) => `http://127.0.0.1:${(task.app.server.address() as { port: number }).port}`;
const publisher = snsEventPublisher(first.deployment.clients.sns, first.config.FORUM_EVENTS_TOPIC_ARN);
// What the topics consumer does with message events (one task of the deployment handles each).
const handlers = topicsEventHandlers(first.repo, publisher);
const author = testUser('author');
const bearer = { authorization: `Bearer ${first.issuer.token(author)}` };

async function openFeeds() {
  const feeds = await Promise.all(
    tasks.map(async (task) => {
      const response = await fetch(`${urlOf(task)}/api/topics/live`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const feed = readEventStream(response);
      after(() => feed.close());
      return feed;
    }),
  );
  for (const feed of feeds) await until(() => feed.retries.length === 1, 'the retry line');
  return feeds;
}

describe('GET /api/topics/live', () => {
  it('shows every task’s browsers each change once, in the contract’s shape, with no token', async () => {
    const feeds = await openFeeds();
    const created = await first.app.inject({
      method: 'POST',
      url: '/api/topics',
      headers: bearer,
      payload: { title: 'Live topic' },
    });
    assert.equal(created.statusCode, 201);
    const topicId = created.json().topicId as string;
    const shown = async () => (await second.app.inject(`/api/topics/${topicId}`)).json();
    const createdAt = created.json().createdAt as string;
    await publisher.publish('message.posted', { topicId, messageId: 'm-1', authorId: author.userId, createdAt });
    await handlers['message.posted']?.({ topicId, messageId: 'm-1', authorId: author.userId, createdAt });
    const afterPost = await shown();
    const retitled = await second.app.inject({
      method: 'PATCH',
      url: `/api/topics/${topicId}`,
      headers: bearer,
      payload: { title: 'Live topic, renamed' },
    });
    assert.equal(retitled.statusCode, 200);
    const deletedAt = new Date().toISOString();
    await publisher.publish('message.deleted', { topicId, messageId: 'm-1', deletedAt });
    const removed = await first.app.inject({ method: 'DELETE', url: `/api/topics/${topicId}`, headers: bearer });
    assert.equal(removed.statusCode, 204);

    for (const feed of feeds) {
      await until(() => feed.events.some((e) => e.event === 'topic-deleted'), 'the deletion', 15_000);
      await until(() => feed.events.some((e) => e.event === 'message-deleted'), 'the message deletion', 15_000);
      const byKind = (name: string) => feed.events.filter((e) => e.event === name).map((e) => e.data);
      // SNS keeps no order between messages: each is checked by what it says.
      assert.deepEqual(
        byKind('topic').sort(
          (a, b) => String(a.title).length - String(b.title).length || Number(a.messageCount) - Number(b.messageCount),
        ),
        [created.json(), afterPost, retitled.json()],
      );
      assert.deepEqual(byKind('message'), [{ topicId, messageId: 'm-1', authorId: author.userId, createdAt }]);
      assert.deepEqual(byKind('message-deleted'), [{ topicId, messageId: 'm-1' }]);
      assert.deepEqual(byKind('topic-deleted'), [{ topicId }]);
      assert.equal(feed.events.length, 6, JSON.stringify(feed.events));
      assert.deepEqual(feed.retries, [2000]);
      await until(() => feed.comments() > 0, 'a keep-alive comment');
    }
  });

  it('is a route of its own: a topic is still read by its id, and an unknown one is still 404', async () => {
    assert.equal((await first.app.inject('/api/topics/no-such-topic')).statusCode, 404);
    const document = (await first.app.inject('/openapi.json')).json();
    const operation = document.paths['/api/topics/live'].get;
    assert.equal(operation.security, undefined, 'anyone may read it');
    assert.ok(operation.responses['200'].content['text/event-stream'].schema, 'the events are documented');
  });

  it('ends its streams when the task shuts down, and deletes the task’s queue and subscription', async () => {
    const task = await topicsApp({ startLive: true, deployment: first.deployment, issuer: first.issuer });
    await task.app.listen({ port: 0, host: '127.0.0.1' });
    const feed = readEventStream(await fetch(`${urlOf(task)}/api/topics/live`));
    await until(() => feed.retries.length === 1, 'the retry line');
    const queueUrl = task.live.queueUrl as string;
    const queueName = queueUrl.split('/').at(-1) as string;
    await task.app.close();
    await feed.reading;
    assert.equal(feed.ended(), true);
    await task.live.stop();
    await assert.rejects(
      first.deployment.clients.sqs.send(new GetQueueUrlCommand({ QueueName: queueName })),
      /QueueDoesNotExist|NonExistentQueue/,
    );
    const { Subscriptions = [] } = await first.deployment.clients.sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: first.config.FORUM_EVENTS_TOPIC_ARN }),
    );
    assert.equal(Subscriptions.filter((s) => s.Endpoint?.endsWith(`:${queueName}`)).length, 0);
    assert.equal(Subscriptions.filter((s) => s.Endpoint?.includes('-live-topics-')).length, 2, 'the other two tasks');
  });
});
