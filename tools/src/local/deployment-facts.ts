/**
 * Every property the catalogue gives a resource, as plain facts, three ways: what the catalogue
 * says (`catalogueFacts`), and what a deployment has, read back from the emulator after the
 * bootstrap (`emulatorFacts`; the CDK side reads the same facts off its templates, in
 * infra/test/catalogue-parity.test.ts). A test compares them, so the local bootstrap and the AWS
 * stacks cannot drift apart on keys, indexes, streams, TTL, dead-letter queues, retention,
 * subscriptions or lifecycle.
 */
import {
  type BucketDefinition,
  deadLetterQueueName,
  deadLetterRetentionDays,
  type QueueDefinition,
  type SubscriptionDefinition,
  type TableDefinition,
} from '@agora/catalogue';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetBucketLifecycleConfigurationCommand, GetBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { BootstrapClients, EmulatorResources } from './bootstrap.ts';

export interface TableFacts {
  readonly keys: string[];
  readonly indexes: string[];
  readonly stream: string | null;
  readonly timeToLive: string | null;
}
export interface QueueFacts {
  readonly visibilityTimeoutSeconds: number;
  readonly retentionSeconds: number;
  readonly deadLetterQueue: string;
  readonly maxReceiveCount: number;
  readonly deadLetterRetentionSeconds: number;
}
export interface DeploymentFacts {
  readonly tables: Record<string, TableFacts>;
  readonly queues: Record<string, QueueFacts>;
  /** `topic → queue`: the filter policy and raw delivery */
  readonly subscriptions: Record<string, { filterPolicy: unknown; rawMessageDelivery: boolean }>;
  readonly buckets: Record<string, { notifies: string; expireAfterDays: number }>;
}

export interface CatalogueResources {
  readonly tables: readonly TableDefinition[];
  readonly queues: readonly QueueDefinition[];
  readonly subscriptions: readonly SubscriptionDefinition[];
  readonly buckets: readonly BucketDefinition[];
}

const deadLetterRetentionSeconds = deadLetterRetentionDays * 24 * 3600;

const key = (kind: string, attribute: { name: string; type: string }) => `${kind} ${attribute.name}:${attribute.type}`;

export function catalogueFacts(catalogue: CatalogueResources, prefix: string): DeploymentFacts {
  const facts: DeploymentFacts = { tables: {}, queues: {}, subscriptions: {}, buckets: {} };
  for (const table of catalogue.tables) {
    facts.tables[table.id] = {
      keys: [key('HASH', table.partitionKey), ...(table.sortKey ? [key('RANGE', table.sortKey)] : [])],
      indexes: table.globalIndexes
        .map(
          (index) =>
            `${index.name}(${[key('HASH', index.partitionKey), ...(index.sortKey ? [key('RANGE', index.sortKey)] : [])].join(', ')}) ALL`,
        )
        .sort(),
      stream: table.stream ?? null,
      timeToLive: table.timeToLiveAttribute ?? null,
    };
  }
  for (const queue of catalogue.queues) {
    facts.queues[queue.id] = {
      visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
      retentionSeconds: queue.retentionDays * 24 * 3600,
      deadLetterQueue: `${prefix}-${deadLetterQueueName(queue)}`,
      maxReceiveCount: queue.maxReceiveCount,
      deadLetterRetentionSeconds,
    };
  }
  for (const subscription of catalogue.subscriptions) {
    facts.subscriptions[`${subscription.topic} → ${subscription.queue}`] = {
      filterPolicy: subscription.filterPolicy,
      rawMessageDelivery: true,
    };
  }
  for (const bucket of catalogue.buckets) {
    facts.buckets[bucket.id] = { notifies: bucket.notifyQueue, expireAfterDays: bucket.expireAfterDays };
  }
  return facts;
}

/** The same facts, described from what exists on the endpoint (the emulator) for `deployment`. */
export async function emulatorFacts(
  clients: BootstrapClients,
  deployment: EmulatorResources,
  catalogue: CatalogueResources,
): Promise<DeploymentFacts> {
  const facts: DeploymentFacts = { tables: {}, queues: {}, subscriptions: {}, buckets: {} };
  const queueIdByArn = new Map<string, string>();
  for (const [id, arn] of Object.entries(deployment.queueArns)) queueIdByArn.set(arn, id);
  const queueNameOfArn = (arn: string) => arn.split(':').at(-1) ?? arn;

  for (const table of catalogue.tables) {
    const TableName = deployment.tableNames[table.id];
    const { Table } = await clients.dynamo.send(new DescribeTableCommand({ TableName }));
    const { TimeToLiveDescription } = await clients.dynamo.send(new DescribeTimeToLiveCommand({ TableName }));
    const types = new Map((Table?.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
    const keys = (schema: { AttributeName?: string; KeyType?: string }[] = []) =>
      schema.map((k) => `${k.KeyType} ${k.AttributeName}:${types.get(k.AttributeName)}`);
    facts.tables[table.id] = {
      keys: keys(Table?.KeySchema),
      indexes: (Table?.GlobalSecondaryIndexes ?? [])
        .map((index) => `${index.IndexName}(${keys(index.KeySchema).join(', ')}) ${index.Projection?.ProjectionType}`)
        .sort(),
      stream: Table?.StreamSpecification?.StreamEnabled ? (Table.StreamSpecification.StreamViewType ?? null) : null,
      timeToLive:
        TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED' ? (TimeToLiveDescription.AttributeName ?? null) : null,
    };
  }
  for (const queue of catalogue.queues) {
    const attributes = async (QueueUrl: string | undefined) =>
      (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes ?? {};
    const main = await attributes(deployment.queueUrls[queue.id]);
    const dead = await attributes(deployment.deadLetterQueueUrls[queue.id]);
    const redrive = JSON.parse(main.RedrivePolicy ?? '{}');
    facts.queues[queue.id] = {
      visibilityTimeoutSeconds: Number(main.VisibilityTimeout),
      retentionSeconds: Number(main.MessageRetentionPeriod),
      deadLetterQueue: queueNameOfArn(String(redrive.deadLetterTargetArn)),
      maxReceiveCount: Number(redrive.maxReceiveCount),
      deadLetterRetentionSeconds: Number(dead.MessageRetentionPeriod),
    };
  }
  for (const [topicId, TopicArn] of Object.entries(deployment.topicArns)) {
    const { Subscriptions = [] } = await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    for (const subscription of Subscriptions) {
      const queueId = queueIdByArn.get(subscription.Endpoint ?? '');
      if (subscription.Protocol !== 'sqs' || !queueId) continue;
      const { Attributes = {} } = await clients.sns.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription.SubscriptionArn }),
      );
      facts.subscriptions[`${topicId} → ${queueId}`] = {
        filterPolicy: Attributes.FilterPolicy ? JSON.parse(Attributes.FilterPolicy) : null,
        rawMessageDelivery: Attributes.RawMessageDelivery === 'true',
      };
    }
  }
  for (const bucket of catalogue.buckets) {
    const Bucket = deployment.bucketNames[bucket.id];
    const notifications = await clients.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }));
    const lifecycle = await clients.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
    const notified = (notifications.QueueConfigurations ?? []).map(
      (q) => queueIdByArn.get(q.QueueArn ?? '') ?? q.QueueArn,
    );
    const expiring = (lifecycle.Rules ?? []).filter((rule) => rule.Status === 'Enabled' && rule.Expiration?.Days);
    facts.buckets[bucket.id] = {
      notifies: notified.join(', '),
      expireAfterDays: Math.min(...expiring.map((rule) => rule.Expiration?.Days ?? Number.POSITIVE_INFINITY)),
    };
  }
  return facts;
}
