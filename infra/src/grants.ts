/**
 * What a service may do with one resource, from the catalogue's `uses` entry: exactly the CDK
 * grant for that access on that resource, nothing wider. A combination with no meaning (consume
 * a table, publish to a bucket read-only …) is a catalogue mistake and fails the synth.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Access } from './catalogue.ts';
import type { DataResource } from './data-stack.ts';

export function grantUse(resource: DataResource, access: Access, grantee: iam.IGrantable, label: string): void {
  const unsupported = () => new Error(`${label}: "${access}" access to a ${resource.kind} has no meaning here`);
  switch (resource.kind) {
    case 'table':
      if (access === 'read') resource.table.grantReadData(grantee);
      else if (access === 'readWrite') resource.table.grantReadWriteData(grantee);
      // Not grantStreamRead: that adds dynamodb:ListStreams on "*", which the reader never calls (it
      // finds the stream through DescribeTable, granted with read access).
      else if (access === 'readStream') {
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['dynamodb:DescribeStream', 'dynamodb:GetShardIterator', 'dynamodb:GetRecords'],
          resourceArns: [resource.table.tableStreamArn as string],
        });
      } else throw unsupported();
      return;
    case 'queue':
      if (access === 'consume') resource.queue.grantConsumeMessages(grantee);
      else if (access === 'publish') resource.queue.grantSendMessages(grantee);
      else throw unsupported();
      return;
    case 'topic':
      if (access === 'publish') resource.topic.grantPublish(grantee);
      else throw unsupported();
      return;
    case 'taskQueues':
      if (access !== 'ownQueues') throw unsupported();
      grantOwnQueues(resource, grantee);
      return;
    case 'bucket':
      if (access === 'read') resource.bucket.grantRead(grantee);
      else if (access === 'readWrite') resource.bucket.grantReadWrite(grantee);
      else if (access === 'publish') resource.bucket.grantPut(grantee);
      else throw unsupported();
      return;
  }
}

/**
 * A task's own live queues (packages/runtime/src/live-fanout.ts): everything on queues named with
 * the prefix only, subscribing to (and reading the subscriptions of) their one topic only. The
 * sweeper finds queues through the topic's subscriptions, not ListQueues (which takes no
 * resource-level permission: it would need "*").
 */
function grantOwnQueues(resource: Extract<DataResource, { kind: 'taskQueues' }>, grantee: iam.IGrantable): void {
  const stack = Stack.of(resource.topic);
  iam.Grant.addToPrincipal({
    grantee,
    actions: [
      'sqs:CreateQueue',
      'sqs:DeleteQueue',
      'sqs:GetQueueAttributes',
      'sqs:SetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:TagQueue',
      'sqs:ListQueueTags',
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
    ],
    resourceArns: [
      stack.formatArn({ service: 'sqs', resource: `${resource.namePrefix}-*`, arnFormat: ArnFormat.NO_RESOURCE_NAME }),
    ],
  });
  // Subscription actions are authorized on the subscription's topic.
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['sns:Subscribe', 'sns:Unsubscribe', 'sns:ListSubscriptionsByTopic', 'sns:GetSubscriptionAttributes'],
    resourceArns: [resource.topic.topicArn],
  });
}

/** The value a service finds in the resource's environment variable. */
export function environmentValue(resource: DataResource): string {
  switch (resource.kind) {
    case 'taskQueues':
      return resource.namePrefix;
    case 'table':
      return resource.table.tableName;
    case 'queue':
      return resource.queue.queueUrl;
    case 'topic':
      return resource.topic.topicArn;
    case 'bucket':
      return resource.bucket.bucketName;
  }
}
