/**
 * Creates every resource in the catalogue on the emulator (or any endpoint), idempotently:
 * running it twice changes nothing. Returns the environment variables that tell services where
 * their resources are, the same names CDK and compose fill in.
 */

import {
  type BucketDefinition,
  buckets,
  deadLetterQueueName,
  deadLetterRetentionDays,
  physicalName,
  type QueueDefinition,
  queues,
  subscriptions,
  type TableDefinition,
  type TaskQueuesDefinition,
  type TopicDefinition,
  tables,
  taskQueues,
  topics,
} from '@agora/catalogue';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  type SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface BootstrapClients {
  readonly dynamo: DynamoDBClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

/** The catalogue resources one bootstrap made (or found) on an endpoint, under one prefix, and how to reach them. */
export interface EmulatorResources {
  readonly prefix: string;
  /** environment variables for services: table names, queue URLs, topic ARNs, bucket name */
  readonly env: Record<string, string>;
  readonly queueUrls: Record<string, string>;
  readonly deadLetterQueueUrls: Record<string, string>;
  readonly queueArns: Record<string, string>;
  readonly topicArns: Record<string, string>;
  readonly tableNames: Record<string, string>;
  readonly bucketNames: Record<string, string>;
}

export function tableInput(prefix: string, table: TableDefinition): CreateTableCommandInput {
  const attributes = new Map<string, string>();
  const keys = [table.partitionKey, table.sortKey, ...table.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  for (const key of keys) if (key) attributes.set(key.name, key.type);
  return {
    TableName: physicalName(prefix, table),
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType: AttributeType as 'S' | 'N',
    })),
    KeySchema: [
      { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
      ...(table.sortKey ? [{ AttributeName: table.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(table.globalIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: table.globalIndexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
              ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
    ...(table.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } } : {}),
  };
}

async function createTable(dynamo: DynamoDBClient, prefix: string, table: TableDefinition): Promise<string> {
  const input = tableInput(prefix, table);
  try {
    await dynamo.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  if (table.timeToLiveAttribute) {
    const { TimeToLiveDescription } = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: input.TableName }));
    if (TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
      await dynamo.send(
        new UpdateTimeToLiveCommand({
          TableName: input.TableName,
          TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
  }
  return input.TableName as string;
}

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string>) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
}

async function createQueueWithDeadLetters(sqs: SQSClient, prefix: string, queue: QueueDefinition) {
  const dlq = await createQueue(sqs, physicalName(prefix, { name: deadLetterQueueName(queue) }), {
    MessageRetentionPeriod: String(deadLetterRetentionDays * 24 * 3600),
  });
  const main = await createQueue(sqs, physicalName(prefix, queue), {
    VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(queue.retentionDays * 24 * 3600),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: queue.maxReceiveCount }),
  });
  return { main, dlq };
}

/**
 * Records a deployment's resources as they are created (bootstrap) or found (locateEmulatorResources),
 * each under its catalogue id and, in `env`, under the variable that tells services where it is.
 */
export function emulatorResourcesRecorder(prefix: string) {
  const deployment = {
    prefix,
    env: {} as Record<string, string>,
    queueUrls: {} as Record<string, string>,
    deadLetterQueueUrls: {} as Record<string, string>,
    queueArns: {} as Record<string, string>,
    topicArns: {} as Record<string, string>,
    tableNames: {} as Record<string, string>,
    bucketNames: {} as Record<string, string>,
  } satisfies EmulatorResources;
  return {
    deployment: deployment as EmulatorResources,
    table(table: TableDefinition, name: string) {
      deployment.tableNames[table.id] = name;
      deployment.env[table.env] = name;
    },
    queue(queue: QueueDefinition, found: { url: string; arn: string; deadLetterUrl: string }) {
      deployment.queueUrls[queue.id] = found.url;
      deployment.queueArns[queue.id] = found.arn;
      deployment.deadLetterQueueUrls[queue.id] = found.deadLetterUrl;
      deployment.env[queue.env] = found.url;
    },
    topic(topic: TopicDefinition, arn: string) {
      deployment.topicArns[topic.id] = arn;
      deployment.env[topic.env] = arn;
    },
    bucket(bucket: BucketDefinition, name: string) {
      deployment.bucketNames[bucket.id] = name;
      deployment.env[bucket.env] = name;
    },
    /** Nothing to create: each task makes its own queue under this name prefix. */
    taskQueues(definition: TaskQueuesDefinition) {
      deployment.env[definition.env] = physicalName(prefix, definition);
    },
  };
}

export async function bootstrap(clients: BootstrapClients, prefix: string): Promise<EmulatorResources> {
  const record = emulatorResourcesRecorder(prefix);
  const { queueArns, topicArns } = record.deployment;

  await Promise.all(tables.map(async (table) => record.table(table, await createTable(clients.dynamo, prefix, table))));
  await Promise.all(
    queues.map(async (queue) => {
      const { main, dlq } = await createQueueWithDeadLetters(clients.sqs, prefix, queue);
      record.queue(queue, { url: main.url, arn: main.arn, deadLetterUrl: dlq.url });
    }),
  );
  for (const topic of topics) {
    const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: physicalName(prefix, topic) }));
    record.topic(topic, TopicArn as string);
  }
  for (const subscription of subscriptions()) {
    await subscribe(clients.sns, topicArns[subscription.topic] as string, queueArns[subscription.queue] as string, {
      RawMessageDelivery: 'true',
      FilterPolicyScope: 'MessageAttributes',
      FilterPolicy: JSON.stringify(subscription.filterPolicy),
    });
  }
  for (const bucket of buckets) {
    const name = physicalName(prefix, bucket);
    try {
      await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
    } catch (error) {
      const code = (error as Error).name;
      if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
    }
    await clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: name,
        NotificationConfiguration: {
          QueueConfigurations: [{ QueueArn: queueArns[bucket.notifyQueue], Events: ['s3:ObjectCreated:*'] }],
        },
      }),
    );
    // the same lifecycle as on AWS: old uploads expire
    await clients.s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: name,
        LifecycleConfiguration: {
          Rules: [
            {
              ID: 'expire-old-uploads',
              Status: 'Enabled',
              Filter: { Prefix: '' },
              Expiration: { Days: bucket.expireAfterDays },
            },
          ],
        },
      }),
    );
    record.bucket(bucket, name);
  }
  for (const definition of taskQueues) record.taskQueues(definition);
  return record.deployment;
}

/** Subscribes a queue to a topic once; a second run updates the existing subscription's attributes. */
async function subscribe(sns: SNSClient, topicArn: string, queueArn: string, attributes: Record<string, string>) {
  const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
  const existing = Subscriptions.find((s) => s.Endpoint === queueArn && s.Protocol === 'sqs');
  if (!existing?.SubscriptionArn) {
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: attributes }),
    );
    return;
  }
  // FilterPolicyScope must be set before FilterPolicy (see EMULATOR.md).
  for (const [AttributeName, AttributeValue] of Object.entries(attributes)) {
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: existing.SubscriptionArn,
        AttributeName,
        AttributeValue,
      }),
    );
  }
}
