/**
 * Parity between the two places the catalogue's resources are made: the CDK data stack (read off
 * its synthesized template) and the local bootstrap (described back from the emulator). Every
 * property the catalogue gives a resource must appear, the same, in both; a catalogue field this
 * test does not know fails it, so a new property cannot reach one side only.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogueFacts, type DeploymentFacts, emulatorFacts } from '@agora/tools/local/deployment-facts';
import { resourceEnvironment } from '@agora/tools/local/service-env';
import { provision } from '@agora/tools/testing/testing';
import { physicalName, platformCatalogue } from '../src/catalogue.ts';
import { synthesize } from './helpers.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
const catalogue = platformCatalogue();

/** The facts, read off the data stack's template. */
function templateFacts(resources: Record<string, Resource>, prefix: string): DeploymentFacts {
  const facts: DeploymentFacts = { tables: {}, queues: {}, subscriptions: {}, buckets: {} };
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const idOf = (value: unknown) => {
    const object = value as { Ref?: string; 'Fn::GetAtt'?: string[] };
    return object.Ref ?? object['Fn::GetAtt']?.[0] ?? '';
  };
  const queueIdOfLogical = (logical: string) =>
    catalogue.queues.find((queue) => resources[logical]?.Properties.QueueName === physicalName(prefix, queue))?.id ??
    `unknown ${logical}`;
  for (const table of catalogue.tables) {
    const [, found] = ofType('AWS::DynamoDB::Table').find(
      ([, resource]) => resource.Properties.TableName === physicalName(prefix, table),
    ) ?? [undefined, undefined];
    assert.ok(found, `a table for ${table.id}`);
    const p = found.Properties as {
      KeySchema: { AttributeName: string; KeyType: string }[];
      AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
      GlobalSecondaryIndexes?: {
        IndexName: string;
        KeySchema: { AttributeName: string; KeyType: string }[];
        Projection: { ProjectionType: string };
      }[];
      StreamSpecification?: { StreamViewType: string };
      TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
    };
    const types = new Map(p.AttributeDefinitions.map((a) => [a.AttributeName, a.AttributeType]));
    const keys = (schema: { AttributeName: string; KeyType: string }[]) =>
      schema.map((k) => `${k.KeyType} ${k.AttributeName}:${types.get(k.AttributeName)}`);
    facts.tables[table.id] = {
      keys: keys(p.KeySchema),
      indexes: (p.GlobalSecondaryIndexes ?? [])
        .map((index) => `${index.IndexName}(${keys(index.KeySchema).join(', ')}) ${index.Projection.ProjectionType}`)
        .sort(),
      stream: p.StreamSpecification?.StreamViewType ?? null,
      timeToLive: p.TimeToLiveSpecification?.Enabled ? p.TimeToLiveSpecification.AttributeName : null,
    };
  }
  for (const queue of catalogue.queues) {
    const [, found] = ofType('AWS::SQS::Queue').find(
      ([, resource]) => resource.Properties.QueueName === physicalName(prefix, queue),
    ) ?? [undefined, undefined];
    assert.ok(found, `a queue for ${queue.id}`);
    const redrive = found.Properties.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
    const dead = resources[idOf(redrive.deadLetterTargetArn)];
    facts.queues[queue.id] = {
      visibilityTimeoutSeconds: Number(found.Properties.VisibilityTimeout),
      retentionSeconds: Number(found.Properties.MessageRetentionPeriod),
      deadLetterQueue: String(dead?.Properties.QueueName),
      maxReceiveCount: redrive.maxReceiveCount,
      deadLetterRetentionSeconds: Number(dead?.Properties.MessageRetentionPeriod),
    };
  }
  for (const [, subscription] of ofType('AWS::SNS::Subscription')) {
    if (subscription.Properties.Protocol !== 'sqs') continue;
    const topicName = resources[idOf(subscription.Properties.TopicArn)]?.Properties.TopicName;
    const topic = catalogue.topics.find((candidate) => physicalName(prefix, candidate) === topicName);
    facts.subscriptions[`${topic?.id} → ${queueIdOfLogical(idOf(subscription.Properties.Endpoint))}`] = {
      filterPolicy: subscription.Properties.FilterPolicy ?? null,
      rawMessageDelivery: subscription.Properties.RawMessageDelivery === true,
    };
  }
  const notifications = ofType('Custom::S3BucketNotifications');
  for (const bucket of catalogue.buckets) {
    const [bucketId, found] = ofType('AWS::S3::Bucket')[0] ?? [];
    assert.ok(found && bucketId, `a bucket for ${bucket.id}`);
    const configuration = notifications.find(([, resource]) => idOf(resource.Properties.BucketName) === bucketId)?.[1];
    assert.ok(configuration, `${bucket.id} notifies a queue`);
    const queues = (
      configuration.Properties.NotificationConfiguration as { QueueConfigurations: { QueueArn: unknown }[] }
    ).QueueConfigurations;
    const rules = (
      found.Properties.LifecycleConfiguration as { Rules: { Status: string; ExpirationInDays?: number }[] }
    ).Rules;
    facts.buckets[bucket.id] = {
      notifies: queues.map((queue) => queueIdOfLogical(idOf(queue.QueueArn))).join(', '),
      expireAfterDays: Math.min(
        ...rules
          .filter((rule) => rule.Status === 'Enabled' && rule.ExpirationInDays)
          .map((rule) => rule.ExpirationInDays ?? 0),
      ),
    };
  }
  return facts;
}

test('the test knows every property the catalogue gives a resource', () => {
  const known = {
    tables: ['id', 'name', 'env', 'partitionKey', 'sortKey', 'globalIndexes', 'stream', 'timeToLiveAttribute'],
    queues: ['id', 'name', 'env', 'visibilityTimeoutSeconds', 'maxReceiveCount', 'retentionDays'],
    // messageAttributes describe the messages, not the topic
    topics: ['id', 'name', 'env', 'messageAttributes'],
    buckets: ['id', 'name', 'env', 'notifyQueue', 'expireAfterDays'],
    subscriptions: ['topic', 'queue', 'filterPolicy'],
    // Nothing to create: each task makes its queue; the name prefix and the topic reach the task
    // through its environment (checked below on both sides), and the task applies the rest
    // (filter policy, retention, heartbeat, staleness: packages/runtime/test/live-fanout.test.ts
    // checks them on the emulator, tools/test/live-feeds.system.test.ts with real processes).
    taskQueues: [
      'id',
      'name',
      'env',
      'topic',
      'filterPolicy',
      'retentionSeconds',
      'heartbeatSeconds',
      'staleAfterSeconds',
    ],
  } as const;
  for (const [kind, keys] of Object.entries(known)) {
    for (const definition of catalogue[kind as keyof typeof known]) {
      const unknown = Object.keys(definition).filter((field) => !(keys as readonly string[]).includes(field));
      assert.deepEqual(unknown, [], `${kind}: add ${unknown.join(', ')} to the parity facts`);
    }
  }
});

test('the data stack makes every catalogue property (TTL included)', () => {
  const built = synthesize({ catalogue });
  const resources = built.templates.data.toJSON().Resources as Record<string, Resource>;
  const prefix = built.stacks.settings.prefix;
  assert.deepEqual(templateFacts(resources, prefix), catalogueFacts(catalogue, prefix));
});

test('the local bootstrap makes every catalogue property on the emulator', async () => {
  const deployment = await provision('parity');
  const facts = await emulatorFacts(deployment.clients, deployment, catalogue);
  assert.deepEqual(facts, catalogueFacts(catalogue, deployment.prefix));
  assert.ok(Object.keys(facts.tables).length === catalogue.tables.length && catalogue.tables.length > 0);
});

test('every task-queues resource reaches its services alike on AWS and on the emulator: the name prefix and the topic', async () => {
  const built = synthesize({ catalogue });
  const prefix = built.stacks.settings.prefix;
  const taskDefinitions = Object.values(built.templates.services.toJSON().Resources as Record<string, Resource>).filter(
    (resource) => resource.Type === 'AWS::ECS::TaskDefinition',
  );
  const cdkEnvironment = (serviceName: string) => {
    const container = taskDefinitions
      .flatMap(
        (task) =>
          task.Properties.ContainerDefinitions as { Name: string; Environment: { Name: string; Value: unknown }[] }[],
      )
      .find((candidate) => candidate.Name === serviceName);
    assert.ok(container, `a task definition for ${serviceName}`);
    return new Map(container.Environment.map((variable) => [variable.Name, variable.Value]));
  };
  const deployment = await provision('parity-tasks');
  let checked = 0;
  for (const definition of catalogue.taskQueues) {
    const topic = catalogue.topics.find((candidate) => candidate.id === definition.topic);
    assert.ok(topic, `${definition.id}'s topic is in the catalogue`);
    const users = catalogue.services.filter((service) => service.uses.some((use) => use.resource === definition.id));
    assert.ok(users.length > 0, `${definition.id} is used`);
    for (const service of users) {
      const aws = cdkEnvironment(service.name);
      assert.equal(aws.get(definition.env), physicalName(prefix, definition), `${service.name} on AWS`);
      assert.match(
        JSON.stringify(aws.get(topic.env)),
        new RegExp(`:${physicalName(prefix, topic)}"`),
        `${service.name} on AWS`,
      );
      const local = resourceEnvironment(service, deployment);
      assert.equal(local[definition.env], physicalName(deployment.prefix, definition), `${service.name} locally`);
      assert.equal(local[topic.env], deployment.topicArns[topic.id], `${service.name} locally`);
      checked += 1;
    }
  }
  assert.equal(checked, 2, 'inventory and topics');
});
