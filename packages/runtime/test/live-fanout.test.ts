/**
 * One queue per task on the emulator: what each task's queue and subscription are made with (the
 * catalogue's filter policy, raw delivery, retention), delivery to every task, the sweep of stale
 * queues and dangling subscriptions, and a task that finds its own queue swept making it again.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { taskQueuesDefinition } from '@agora/catalogue';
import { capturedLogger, provision } from '@agora/tools/testing/testing';
import { until } from '@agora/tools/wait';
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  TagQueueCommand,
} from '@aws-sdk/client-sqs';
import { createLiveFanout, heartbeatTag, type LiveMessage, sweepStaleQueues } from '../src/live-fanout.ts';

const deployment = await provision('fanout');
const { sqs, sns } = deployment.clients;
const definition = taskQueuesDefinition('topicsLiveQueues');
const topicArn = deployment.topicArns[definition.topic] as string;
const queuePrefix = deployment.env[definition.env] as string;

function task(options: { heartbeatSeconds?: number; onGap?: () => void } = {}) {
  const received: LiveMessage[] = [];
  const logs = capturedLogger('fanout');
  const fanout = createLiveFanout({
    sqs,
    sns,
    logger: logs.logger,
    topicArn,
    queuePrefix,
    filterPolicy: definition.filterPolicy,
    retentionSeconds: definition.retentionSeconds,
    heartbeatSeconds: options.heartbeatSeconds ?? definition.heartbeatSeconds,
    staleAfterSeconds: definition.staleAfterSeconds,
    waitTimeSeconds: 1,
    onMessage: (message) => received.push(message),
    ...(options.onGap ? { onGap: options.onGap } : {}),
  });
  after(() => fanout.stop());
  /** each task sweeps once right after it subscribed */
  const sweptOnce = () =>
    until(
      () => logs.lines().some((line) => String(line.msg).startsWith('swept the live queues') || Boolean(line.swept)),
      'the task’s first sweep',
    );
  return { fanout, received, sweptOnce };
}

const publish = (type: string, body: string) =>
  sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: body,
      MessageAttributes: { type: { DataType: 'String', StringValue: type } },
    }),
  );

const exists = async (url: string) => {
  try {
    await sqs.send(new GetQueueUrlCommand({ QueueName: url.split('/').at(-1) as string }));
    return true;
  } catch {
    return false;
  }
};

async function subscriptionOf(queueUrl: string) {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
  const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
  const found = Subscriptions.find((subscription) => subscription.Endpoint === Attributes?.QueueArn);
  return { queue: Attributes ?? {}, subscriptionArn: found?.SubscriptionArn };
}

describe('a task’s own live queue', () => {
  it('is made with the catalogue’s retention, subscribed raw with its filter policy, and gets what every task gets', async () => {
    const [first, second] = [task(), task()];
    await Promise.all([first.fanout.start(), second.fanout.start()]);
    const { queue, subscriptionArn } = await subscriptionOf(first.fanout.queueUrl as string);
    assert.equal(queue.MessageRetentionPeriod, String(definition.retentionSeconds));
    assert.ok(queue.QueueArn?.includes(`:${queuePrefix}-`));
    const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
    assert.equal(Attributes?.RawMessageDelivery, 'true');
    assert.deepEqual(JSON.parse(Attributes?.FilterPolicy ?? '{}'), { type: [...definition.filterPolicy.type] });

    await publish('user.renamed', '{"not":"for the live feed"}');
    await publish('message.posted', '{"n":1}');
    for (const each of [first, second]) {
      await until(() => each.received.length > 0, 'the message');
      assert.deepEqual(each.received, [{ body: '{"n":1}', type: 'message.posted' }]);
    }
  });

  it('is deleted and unsubscribed when the task stops', async () => {
    const { fanout } = task();
    await fanout.start();
    const url = fanout.queueUrl as string;
    const { subscriptionArn } = await subscriptionOf(url);
    assert.ok(subscriptionArn);
    await fanout.stop();
    assert.equal(await exists(url), false);
    await assert.rejects(
      sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn })),
      /NotFound/,
    );
  });

  it('is made again, and the gap reported, when a sweeper took it while the task was away', async () => {
    let gaps = 0;
    const { fanout, received } = task({
      heartbeatSeconds: 1,
      onGap: () => {
        gaps += 1;
      },
    });
    await fanout.start();
    const swept = fanout.queueUrl as string;
    await sqs.send(new DeleteQueueCommand({ QueueUrl: swept }));
    await until(() => gaps === 1 && fanout.queueUrl !== swept, 'a new queue', 15_000);
    await publish('topic.deleted', '{"again":true}');
    await until(() => received.some((message) => message.body === '{"again":true}'), 'a message on the new queue');
  });
});

describe('the sweep', () => {
  it('deletes and unsubscribes only queues whose heartbeat is stale, and the subscriptions whose queue is gone', async () => {
    const [stale, fresh] = [task({ heartbeatSeconds: 3600 }), task({ heartbeatSeconds: 3600 })];
    await Promise.all([stale.fanout.start(), fresh.fanout.start()]);
    // the tasks' own sweeps are done: what follows is this sweep's doing
    await Promise.all([stale.sweptOnce(), fresh.sweptOnce()]);
    const staleUrl = stale.fanout.queueUrl as string;
    await sqs.send(new TagQueueCommand({ QueueUrl: staleUrl, Tags: { [heartbeatTag]: String(Date.now() - 301_000) } }));
    // A queue of the prefix no task made (no heartbeat): not the sweeper's to delete.
    const { QueueUrl: foreign } = await sqs.send(new CreateQueueCommand({ QueueName: `${queuePrefix}-by-hand` }));
    const foreignArn = (await subscriptionOf(foreign as string)).queue.QueueArn as string;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: foreignArn }));
    // A subscription whose queue is gone (a sweeper stopped between the two steps).
    const { QueueUrl: gone } = await sqs.send(new CreateQueueCommand({ QueueName: `${queuePrefix}-gone` }));
    const goneArn = (await subscriptionOf(gone as string)).queue.QueueArn as string;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: goneArn }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: gone }));

    const deleted = await sweepStaleQueues({
      sqs,
      sns,
      topicArn,
      queuePrefix,
      staleAfterMs: definition.staleAfterSeconds * 1000,
    });
    assert.deepEqual(deleted, [staleUrl]);
    assert.equal(await exists(staleUrl), false);
    assert.equal(await exists(fresh.fanout.queueUrl as string), true);
    assert.equal(await exists(foreign as string), true);
    const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    const endpoints = Subscriptions.map((subscription) => subscription.Endpoint);
    assert.ok(!endpoints.includes(goneArn), 'the dangling subscription is gone');
    assert.ok(endpoints.includes(foreignArn));
    assert.ok(
      !endpoints.some((endpoint) => endpoint?.endsWith(`:${staleUrl.split('/').at(-1)}`)),
      'the stale queue is unsubscribed',
    );
  });
});
