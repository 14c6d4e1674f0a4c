import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buckets, queues, subscriptions, tables, taskQueues, topics } from '@agora/catalogue';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { bootstrap } from '../src/local/bootstrap.ts';
import { locateEmulatorResources } from '../src/testing/external-system.ts';
import { provision } from '../src/testing/testing.ts';

describe('bootstrap', async () => {
  const first = await provision('boot');
  const { dynamo, sqs, sns, s3 } = first.clients;

  it('creates every catalogue resource and names it in the environment', () => {
    const expected = [...tables, ...queues, ...topics, ...buckets, ...taskQueues]
      .map((resource) => resource.env)
      .sort();
    assert.deepEqual(Object.keys(first.env).sort(), expected);
  });

  it('is idempotent: a second run changes nothing and duplicates nothing', async () => {
    const second = await bootstrap(first.clients, first.prefix);
    assert.deepEqual(second.env, first.env);
    for (const topic of topics) {
      const { Subscriptions = [] } = await sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: first.topicArns[topic.id] }),
      );
      const endpoints = Subscriptions.map((subscription) => subscription.Endpoint);
      assert.equal(new Set(endpoints).size, endpoints.length, `no duplicate subscription on ${topic.name}`);
    }
  });

  it('is found again, unchanged, by locateEmulatorResources (what system tests use against a running system)', async () => {
    const { endpoint: _endpoint, clients: _clients, ...made } = first;
    assert.deepEqual(await locateEmulatorResources(first.clients, first.prefix), made);
  });

  it('creates tables with their keys and indexes', async () => {
    for (const table of tables) {
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: first.tableNames[table.id] }));
      assert.equal(Table?.KeySchema?.[0]?.AttributeName, table.partitionKey.name);
      const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort();
      assert.deepEqual(indexes, table.globalIndexes.map((index) => index.name).sort());
    }
  });

  it('gives every queue its dead-letter queue and maxReceiveCount', async () => {
    for (const queue of queues) {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: first.queueUrls[queue.id], AttributeNames: ['All'] }),
      );
      const redrive = JSON.parse(Attributes?.RedrivePolicy ?? '{}');
      assert.equal(Number(redrive.maxReceiveCount), queue.maxReceiveCount);
      assert.match(redrive.deadLetterTargetArn, new RegExp(`${queue.name}-dlq$`));
    }
  });

  it('subscribes each consumer queue with its filter policy and raw delivery', async () => {
    for (const subscription of subscriptions()) {
      const { Subscriptions = [] } = await sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: first.topicArns[subscription.topic] }),
      );
      const found = Subscriptions.find((s) => s.Endpoint === first.queueArns[subscription.queue]);
      assert.ok(found?.SubscriptionArn);
      const { Attributes } = await sns.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: found.SubscriptionArn }),
      );
      assert.deepEqual(JSON.parse(Attributes?.FilterPolicy ?? '{}'), subscription.filterPolicy);
      assert.equal(Attributes?.RawMessageDelivery, 'true');
    }
  });

  it('makes the bucket notify its queue of new objects', async () => {
    for (const bucket of buckets) {
      const configuration = await s3.send(
        new GetBucketNotificationConfigurationCommand({ Bucket: first.bucketNames[bucket.id] }),
      );
      assert.equal(configuration.QueueConfigurations?.[0]?.QueueArn, first.queueArns[bucket.notifyQueue]);
    }
  });
});
