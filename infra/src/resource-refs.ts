/**
 * Catalogue resources as another stack sees them: by their deterministic names and ARNs, never
 * through CloudFormation exports. A strong cross-stack reference makes the exporting stack's
 * update fail while any stack still imports the old value ("Cannot update export … in use by"),
 * so dropping a `uses` entry or changing a stream view type would block the data stack's
 * deploy. Names and ARNs made from the catalogue and the stack's own account and region create
 * no export; the stack dependency alone orders the deploys.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  type BucketDefinition,
  type Catalogue,
  deployedServices,
  physicalName,
  type TaskQueuesDefinition,
} from './catalogue.ts';
import type { DataResource } from './data-stack.ts';
import { repositoryName, type Settings } from './settings.ts';

/** The uploads bucket's global name: prefix, catalogue name, account and region. */
export function bucketName(settings: Settings, bucket: BucketDefinition, scope: Construct): string {
  const stack = Stack.of(scope);
  return `${physicalName(settings.prefix, bucket)}-${stack.account}-${stack.region}`;
}

/**
 * Every catalogue resource, imported by name into `scope`'s stack. A table's stream is granted as
 * `table/<name>/stream/*`: its ARN carries a label DynamoDB picks when the stream is (re)created,
 * and a table has one active stream, so the grant survives a view type change.
 */
export function importResources(scope: Construct, catalogue: Catalogue, settings: Settings): Map<string, DataResource> {
  const stack = Stack.of(scope);
  const resources = new Map<string, DataResource>();
  for (const table of catalogue.tables) {
    const tableName = physicalName(settings.prefix, table);
    resources.set(table.id, {
      kind: 'table',
      env: table.env,
      table: dynamodb.Table.fromTableAttributes(scope, `Imported-${table.id}`, {
        tableName,
        globalIndexes: table.globalIndexes.map((index) => index.name),
        tableStreamArn: table.stream
          ? stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: `${tableName}/stream/*` })
          : undefined,
      }),
    });
  }
  for (const queue of catalogue.queues) {
    resources.set(queue.id, {
      kind: 'queue',
      env: queue.env,
      queue: sqs.Queue.fromQueueArn(scope, `Imported-${queue.id}`, arnOf(stack, 'sqs', settings, queue)),
    });
  }
  for (const topic of catalogue.topics) {
    resources.set(topic.id, {
      kind: 'topic',
      env: topic.env,
      topic: sns.Topic.fromTopicArn(scope, `Imported-${topic.id}`, arnOf(stack, 'sns', settings, topic)),
    });
  }
  for (const bucket of catalogue.buckets) {
    resources.set(bucket.id, {
      kind: 'bucket',
      env: bucket.env,
      bucket: s3.Bucket.fromBucketName(scope, `Imported-${bucket.id}`, bucketName(settings, bucket, scope)),
    });
  }
  for (const definition of catalogue.taskQueues) {
    resources.set(definition.id, taskQueuesResource(settings, definition, resources));
  }
  return resources;
}

/** A queue's or topic's ARN in the stack's account and region, from its name (these ARNs have no resource part). */
function arnOf(stack: Stack, service: 'sqs' | 'sns', settings: Settings, resource: { readonly name: string }): string {
  return stack.formatArn({
    service,
    resource: physicalName(settings.prefix, resource),
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });
}

/** The task-queues resource of a definition, its topic found among the resources already built or imported. */
export function taskQueuesResource(
  settings: Settings,
  definition: TaskQueuesDefinition,
  resources: ReadonlyMap<string, DataResource>,
): DataResource {
  const topic = resources.get(definition.topic);
  if (topic?.kind !== 'topic')
    throw new Error(`${definition.id} subscribes to "${definition.topic}", which is no topic of the catalogue`);
  return {
    kind: 'taskQueues',
    env: definition.env,
    namePrefix: physicalName(settings.prefix, definition),
    topic: topic.topic,
    topicEnv: topic.env,
  };
}

/** Each deployed service's image repository, imported by name. */
export function importRepositories(
  scope: Construct,
  catalogue: Catalogue,
  settings: Settings,
): Map<string, ecr.IRepository> {
  const repositories = new Map<string, ecr.IRepository>();
  for (const service of deployedServices(catalogue)) {
    repositories.set(
      service.name,
      ecr.Repository.fromRepositoryName(scope, `Imported-${service.name}-images`, repositoryName(settings, service)),
    );
  }
  return repositories;
}
