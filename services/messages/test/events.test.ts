import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { newId } from '@agora/runtime/ids';
import { testUser } from '@agora/tools/testing/token-issuer';
import { eventually } from '@agora/tools/wait';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createMessagesConsumer } from '../src/events.ts';
import { messagesApp } from './harness.ts';

const { app, deployment, handlers, repo, events, logs, openTopic, post } = await messagesApp();

async function listAll(topicId: string) {
  const response = await app.inject({ method: 'GET', url: `/api/topics/${topicId}/messages`, query: { limit: '100' } });
  return response.json() as { items: { messageId: string; authorName: string; body: string }[] };
}

const at = (secondsFromNow: number) => new Date(Date.now() + secondsFromNow * 1000).toISOString();

describe('user.renamed', () => {
  it("renames the author on every one of their messages, in every topic, and leaves others' alone", async () => {
    const ada = testUser('ada');
    const bob = testUser('bob');
    const topics = [await openTopic(), await openTopic()];
    // more than one page of the byAuthor index (25 per page)
    await Promise.all(Array.from({ length: 30 }, (_, i) => post(ada, topics[i % 2] as string, `ada ${i}`)));
    await post(bob, topics[0] as string, 'bob');

    await handlers['user.renamed']?.({ userId: ada.userId, displayName: 'Countess', renamedAt: at(0) });
    for (const topicId of topics) {
      for (const message of (await listAll(topicId)).items) {
        assert.equal(message.authorName, message.body === 'bob' ? bob.name : 'Countess');
      }
    }
    // Posts made after the rename carry the new name even with a token minted before it.
    assert.equal((await post(ada, topics[0] as string, 'later')).authorName, 'Countess');
  });

  it('ignores a rename older than the one already applied (events out of order)', async () => {
    const user = testUser();
    const topicId = await openTopic();
    await post(user, topicId);
    await handlers['user.renamed']?.({ userId: user.userId, displayName: 'Newest', renamedAt: at(10) });
    await handlers['user.renamed']?.({ userId: user.userId, displayName: 'Stale', renamedAt: at(5) });
    assert.deepEqual(
      (await listAll(topicId)).items.map((m) => m.authorName),
      ['Newest'],
    );
  });

  it('delivered twice leaves the same state as once', async () => {
    const user = testUser();
    const topicId = await openTopic();
    await post(user, topicId);
    const event = { userId: user.userId, displayName: 'Twice', renamedAt: at(0) };
    await handlers['user.renamed']?.(event);
    const once = await listAll(topicId);
    await handlers['user.renamed']?.(event);
    assert.deepEqual(await listAll(topicId), once);
  });
});

describe('topic.created', () => {
  it('opens the topic and writes its first message once, however often it arrives', async () => {
    const topicId = newId();
    const author = testUser();
    const event = {
      topicId,
      authorId: author.userId,
      authorName: author.name,
      createdAt: at(0),
      firstMessage: { messageId: newId(), body: 'Welcome' },
    };
    await handlers['topic.created']?.(event);
    await handlers['topic.created']?.(event);
    const { items } = await listAll(topicId);
    assert.deepEqual(
      items.map((m) => [m.body, m.authorName]),
      [['Welcome', author.name]],
    );
  });

  it('does not reopen a topic whose deletion arrived first', async () => {
    const topicId = newId();
    await handlers['topic.deleted']?.({ topicId, deletedAt: at(0) });
    await handlers['topic.created']?.({ topicId, authorId: 'u', authorName: 'U', createdAt: at(-1) });
    assert.equal((await app.inject({ method: 'GET', url: `/api/topics/${topicId}/messages` })).statusCode, 404);
  });
});

describe('topic.deleted', () => {
  it('removes every message of the topic, page after page, and only that topic', async () => {
    const user = testUser();
    const doomed = await openTopic();
    const kept = await openTopic();
    await Promise.all(Array.from({ length: 60 }, (_, i) => post(user, doomed, `doomed ${i}`)));
    await post(user, kept, 'kept');
    const removed = await repo.deleteTopic(doomed, at(0), 20);
    assert.equal(removed, 60);
    assert.equal((await app.inject({ method: 'GET', url: `/api/topics/${doomed}/messages` })).statusCode, 404);
    const mine = (await app.inject({ method: 'GET', url: `/api/users/${user.userId}/messages?limit=100` })).json();
    assert.deepEqual(
      mine.items.map((m: { body: string }) => m.body),
      ['kept'],
    );
    // again: nothing left to do, no failure
    assert.equal(await repo.deleteTopic(doomed, at(1), 20), 0);
  });
});

describe('the messages consumer, on its real queue', () => {
  const { sqs, sns } = deployment.clients;
  const queueUrl = deployment.queueUrls.messagesEventsQueue as string;
  const dlqUrl = deployment.deadLetterQueueUrls.messagesEventsQueue as string;
  const consumer = createMessagesConsumer({
    sqs,
    queueUrl,
    messages: repo,
    events,
    logger: logs.logger,
    waitTimeSeconds: 1,
  });
  consumer.start();
  after(() => consumer.stop());

  const publishRaw = (type: string, body: string) =>
    sns.send(
      new PublishCommand({
        TopicArn: deployment.topicArns.forumEvents,
        Message: body,
        MessageAttributes: { type: { DataType: 'String', StringValue: type } },
      }),
    );

  it('moves a poison event to the dead-letter queue and goes on with good events', async () => {
    const user = testUser();
    const topicId = await openTopic();
    await post(user, topicId);
    await publishRaw('user.renamed', '{"type":"user.renamed","userId":42}');
    await publishRaw('user.renamed', 'not json at all');
    await events.publish('user.renamed', { userId: user.userId, displayName: 'After Poison', renamedAt: at(0) });

    const names = await eventually(
      async () => (await listAll(topicId)).items.map((m) => m.authorName),
      (value) => value[0] === 'After Poison',
    );
    assert.deepEqual(names, ['After Poison']);

    // The poison reaches the DLQ after maxReceiveCount receives (moved on a later receive).
    const dead = await eventually(
      async () => {
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
        );
        return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
      },
      (count) => count >= 2,
      30_000,
    );
    assert.equal(dead, 2);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(Messages.map((m) => m.Body).sort(), ['not json at all', '{"type":"user.renamed","userId":42}']);

    // and it is still consuming
    await events.publish('user.renamed', { userId: user.userId, displayName: 'Still Going', renamedAt: at(1) });
    const later = await eventually(
      async () => (await listAll(topicId)).items.map((m) => m.authorName),
      (value) => value[0] === 'Still Going',
    );
    assert.deepEqual(later, ['Still Going']);
  });

  it('the same event published twice leaves the same state as once', async () => {
    const topicId = newId();
    const author = testUser();
    const created = {
      topicId,
      authorId: author.userId,
      authorName: author.name,
      createdAt: at(0),
      firstMessage: { messageId: newId(), body: 'only once' },
    };
    const handledBefore = consumer.handled;
    await events.publish('topic.created', created);
    await events.publish('topic.created', created);
    const handled = await eventually(
      async () => consumer.handled,
      (count) => count >= handledBefore + 2,
    );
    assert.equal(handled, handledBefore + 2, 'both deliveries handled');
    assert.deepEqual(
      (await listAll(topicId)).items.map((m) => m.body),
      ['only once'],
    );
  });
});
