/**
 * Every table, queue (with its dead-letter queue), topic (with its subscriptions) and bucket in
 * the catalogue. Names are `${prefix}-${name}` as in the local bootstrap, so operator commands
 * (`USERS_TABLE=agora-users npm run roles …`) work against AWS too. Bucket names are global, so
 * the bucket's adds the account and region. Nothing here is exported: the services stack finds
 * every resource by its name (resource-refs.ts), so a catalogue change never blocks this
 * stack's update on a value another stack still imports.
 */
import { Duration, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  type BucketDefinition,
  type Catalogue,
  deadLetterQueueName,
  deadLetterRetentionDays,
  physicalName,
  type QueueDefinition,
  type TableDefinition,
  type TopicDefinition,
} from './catalogue.ts';
import { bucketName, taskQueuesResource } from './resource-refs.ts';
import { retention, type Settings } from './settings.ts';

export interface DataStackProps extends StackProps {
  readonly catalogue: Catalogue;
  readonly settings: Settings;
}

/** One catalogue resource, built: what a service's grants and environment are made from. */
export type DataResource =
  | { readonly kind: 'table'; readonly env: string; readonly table: dynamodb.ITable }
  | { readonly kind: 'queue'; readonly env: string; readonly queue: sqs.IQueue }
  | { readonly kind: 'topic'; readonly env: string; readonly topic: sns.ITopic }
  | { readonly kind: 'bucket'; readonly env: string; readonly bucket: s3.IBucket }
  // Each task's own queues, `<namePrefix>-<random>`, subscribed to `topic` (live-fanout.ts): no resource to build.
  | {
      readonly kind: 'taskQueues';
      readonly env: string;
      readonly namePrefix: string;
      readonly topic: sns.ITopic;
      readonly topicEnv: string;
    };

const dynamoType = { S: dynamodb.AttributeType.STRING, N: dynamodb.AttributeType.NUMBER } as const;
const streamType = {
  NEW_IMAGE: dynamodb.StreamViewType.NEW_IMAGE,
  NEW_AND_OLD_IMAGES: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
} as const;

/** Construct ids from catalogue ids: `usersTable` → `UsersTable`. */
function constructId(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}

export class DataStack extends Stack {
  readonly resources = new Map<string, DataResource>();
  readonly tables = new Map<string, dynamodb.Table>();
  readonly queues = new Map<string, sqs.Queue>();
  readonly deadLetterQueues = new Map<string, sqs.Queue>();
  private readonly removalPolicy: RemovalPolicy;
  private readonly settings: Settings;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { catalogue, settings } = props;
    this.settings = settings;
    this.removalPolicy = retention(settings);

    for (const table of catalogue.tables) this.addTable(table);
    for (const queue of catalogue.queues) this.addQueue(queue);
    // SNS has no service-owned key: the AWS managed key encrypts at rest at no key cost.
    const snsKey = kms.Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns');
    for (const topic of catalogue.topics) this.addTopic(topic, snsKey);
    for (const subscription of catalogue.subscriptions) {
      const topic = this.topic(subscription.topic);
      const queue = this.queue(subscription.queue);
      topic.addSubscription(
        new subscriptions.SqsSubscription(queue, {
          rawMessageDelivery: true,
          filterPolicy: Object.fromEntries(
            Object.entries(subscription.filterPolicy).map(([attribute, values]) => [
              attribute,
              sns.SubscriptionFilter.stringFilter({ allowlist: [...values] }),
            ]),
          ),
        }),
      );
    }
    for (const bucket of catalogue.buckets) this.addBucket(bucket);
    for (const definition of catalogue.taskQueues) {
      this.resources.set(definition.id, taskQueuesResource(this.settings, definition, this.resources));
    }
  }

  private addTable(definition: TableDefinition): void {
    const key = (attribute: { name: string; type: 'S' | 'N' }) => ({
      name: attribute.name,
      type: dynamoType[attribute.type],
    });
    const table = new dynamodb.Table(this, constructId(definition.id), {
      tableName: physicalName(this.settings.prefix, definition),
      partitionKey: key(definition.partitionKey),
      sortKey: definition.sortKey ? key(definition.sortKey) : undefined,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: definition.stream ? streamType[definition.stream] : undefined,
      timeToLiveAttribute: definition.timeToLiveAttribute,
      // No deletion protection: a table CloudFormation may not delete makes the rollback of a failed
      // first create fail, and the next deploy then fails on the leftover name. RetainExceptOnCreate
      // keeps the table on stack deletion and replacement; point-in-time recovery covers the rest.
      removalPolicy: this.removalPolicy,
    });
    this.tables.set(definition.id, table);
    for (const index of definition.globalIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: index.sortKey ? key(index.sortKey) : undefined,
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    this.resources.set(definition.id, { kind: 'table', env: definition.env, table });
  }

  private addQueue(definition: QueueDefinition): void {
    const deadLetters = new sqs.Queue(this, `${constructId(definition.id)}DeadLetters`, {
      queueName: physicalName(this.settings.prefix, { name: deadLetterQueueName(definition) }),
      retentionPeriod: Duration.days(deadLetterRetentionDays),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: this.removalPolicy,
    });
    const queue = new sqs.Queue(this, constructId(definition.id), {
      queueName: physicalName(this.settings.prefix, definition),
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(definition.retentionDays),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: definition.maxReceiveCount },
      // SSE-SQS: S3 event notifications cannot write to a queue under the AWS managed KMS key.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: this.removalPolicy,
    });
    this.deadLetterQueues.set(definition.id, deadLetters);
    this.queues.set(definition.id, queue);
    this.resources.set(definition.id, { kind: 'queue', env: definition.env, queue });
  }

  private addTopic(definition: TopicDefinition, key: kms.IKey): void {
    const topic = new sns.Topic(this, constructId(definition.id), {
      topicName: physicalName(this.settings.prefix, definition),
      masterKey: key,
      enforceSSL: true,
    });
    const email = this.settings.emailSubscriptions[definition.id];
    if (email) topic.addSubscription(new subscriptions.EmailSubscription(email));
    this.resources.set(definition.id, { kind: 'topic', env: definition.env, topic });
  }

  private addBucket(definition: BucketDefinition): void {
    const bucket = new s3.Bucket(this, constructId(definition.id), {
      // Named (account and region make it globally unique) so the services stack finds it by name.
      bucketName: bucketName(this.settings, definition, this),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: 'expire-old-uploads', expiration: Duration.days(definition.expireAfterDays) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: this.removalPolicy,
      autoDeleteObjects: this.settings.stage === 'dev',
    });
    bucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.SqsDestination(this.queue(definition.notifyQueue)),
    );
    this.resources.set(definition.id, { kind: 'bucket', env: definition.env, bucket });
  }

  resource(id: string): DataResource {
    const found = this.resources.get(id);
    if (!found) throw new Error(`The catalogue names "${id}", which is no table, queue, topic or bucket`);
    return found;
  }

  queue(id: string): sqs.Queue {
    const found = this.queues.get(id);
    if (!found) throw new Error(`"${id}" is no queue`);
    return found;
  }

  topic(id: string): sns.ITopic {
    const found = this.resource(id);
    if (found.kind !== 'topic') throw new Error(`"${id}" is a ${found.kind}, not a topic`);
    return found.topic;
  }
}
