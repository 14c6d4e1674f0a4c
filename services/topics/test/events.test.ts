import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { snsEventPublisher } from '@agora/runtime/events';
import { testUser } from '@agora/tools/testing/token-issuer';
import { eventually } from '@agora/tools/wait';
import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createTopicsConsumer, topicsEventHandlers } from '../src/events.ts';
import { topicsApp } from './harness.ts';

const { app, issuer, repo, deployment, logs } = await topicsApp();
const announced: { type: string; payload: unknown }[] = [];
const handlers = topicsEventHandlers(repo, {
  publish: async (type, payload) => {
    announced.push({ type, payload });
  },
});

async function newTopic() {
  const response = await app.inject({
    method: 'POST',
    url: '/api/topics',
    headers: { authorization: `Bearer ${issuer.token(testUser())}` },
    payload: { title: 'Counting' },
  });
  return response.json() as { topicId: string; createdAt: string };
}

async function topic(topicId: string) {
  return (await app.inject({ method: 'GET', url: `/api/topics/${topicId}` })).json();
}

const later = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

describe('message events', () => {
  it('message.posted counts the message and moves the activity time forward', async () => {
    const { topicId, createdAt } = await newTopic();
    await handlers['message.posted']?.({ topicId, messageId: 'm-1', authorId: 'u', createdAt: later(createdAt, 5) });
    const shown = await topic(topicId);
    assert.equal(shown.messageCount, 1);
    assert.equal(shown.lastActivityAt, later(createdAt, 5));
    // the live feeds learn the topic as GET shows it now
    assert.deepEqual(announced.at(-1), { type: 'topic.updated', payload: shown });
  });

  it('the same message.posted delivered twice counts once', async () => {
    const { topicId, createdAt } = await newTopic();
    const event = { topicId, messageId: `dup-${topicId}`, authorId: 'u', createdAt: later(createdAt, 1) };
    await handlers['message.posted']?.(event);
    const once = await topic(topicId);
    await handlers['message.posted']?.(event);
    assert.deepEqual(await topic(topicId), once);
    assert.equal(once.messageCount, 1);
  });

  it('an older post never moves the activity time back', async () => {
    const { topicId, createdAt } = await newTopic();
    await handlers['message.posted']?.({ topicId, messageId: 'new', authorId: 'u', createdAt: later(createdAt, 10) });
    await handlers['message.posted']?.({ topicId, messageId: 'old', authorId: 'u', createdAt: later(createdAt, 2) });
    const shown = await topic(topicId);
    assert.equal(shown.messageCount, 2);
    assert.equal(shown.lastActivityAt, later(createdAt, 10));
  });

  it('message.deleted uncounts once, however often it arrives', async () => {
    const { topicId, createdAt } = await newTopic();
    for (const messageId of ['a', 'b']) {
      await handlers['message.posted']?.({ topicId, messageId, authorId: 'u', createdAt: later(createdAt, 1) });
    }
    const deleted = { topicId, messageId: 'a', deletedAt: later(createdAt, 3) };
    await handlers['message.deleted']?.(deleted);
    await handlers['message.deleted']?.(deleted);
    assert.equal((await topic(topicId)).messageCount, 1);
  });

  it('remembers each counted event with a marker that DynamoDB expires by TTL', async () => {
    const { topicId, createdAt } = await newTopic();
    await handlers['message.posted']?.({ topicId, messageId: 'ttl-1', authorId: 'u', createdAt });
    const table = deployment.tableNames.topicsTable as string;
    const { Item } = await deployment.clients.documents.send(
      new GetCommand({ TableName: table, Key: { topicId: 'counted#posted#ttl-1' } }),
    );
    assert.ok(Number(Item?.expiresAt) > Date.now() / 1000 + 7 * 24 * 3600);
    const { TimeToLiveDescription } = await deployment.clients.dynamo.send(
      new DescribeTimeToLiveCommand({ TableName: table }),
    );
    assert.deepEqual(
      [TimeToLiveDescription?.TimeToLiveStatus, TimeToLiveDescription?.AttributeName],
      ['ENABLED', 'expiresAt'],
    );
  });

  it('events for a topic that is gone change nothing and do not fail', async () => {
    const missing = '00000000-0000-7000-8000-00000000dead';
    await handlers['message.posted']?.({
      topicId: missing,
      messageId: 'x',
      authorId: 'u',
      createdAt: new Date().toISOString(),
    });
    assert.equal((await app.inject({ method: 'GET', url: `/api/topics/${missing}` })).statusCode, 404);
  });
});

describe('the topics consumer', () => {
  it('receives message events from its queue through the filter policy and applies them', async () => {
    const consumer = createTopicsConsumer({
      sqs: deployment.clients.sqs,
      queueUrl: deployment.queueUrls.topicsEventsQueue as string,
      topics: repo,
      events: snsEventPublisher(deployment.clients.sns, deployment.topicArns.forumEvents as string),
      logger: logs.logger,
      waitTimeSeconds: 1,
    });
    consumer.start();
    after(() => consumer.stop());
    const { topicId, createdAt } = await newTopic();
    const publisher = snsEventPublisher(deployment.clients.sns, deployment.topicArns.forumEvents as string);
    await publisher.publish('message.posted', { topicId, messageId: 'q1', authorId: 'u', createdAt });
    await publisher.publish('message.posted', { topicId, messageId: 'q2', authorId: 'u', createdAt });
    const count = await eventually(
      async () => (await topic(topicId)).messageCount,
      (value) => value >= 2,
      10_000,
    );
    assert.equal(count, 2);
  });
});
