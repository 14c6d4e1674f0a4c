/**
 * A system another command already started (compose, or `npm run up`), as the system tests reach
 * it from this host: AGORA_SYSTEM_URL is its gateway, AWS_ENDPOINT_URL its emulator, AGORA_PREFIX
 * (default `agora`, as compose's bootstrap uses) the prefix its resources are named with.
 * The resources are only looked up (names from the catalogue, URLs and ARNs from the emulator),
 * never created: a wrong prefix or endpoint fails loudly instead of testing fresh, empty resources.
 */
import { buckets, deadLetterQueueName, physicalName, queues, tables, taskQueues, topics } from '@agora/catalogue';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { type BootstrapClients, type EmulatorResources, emulatorResourcesRecorder } from '../local/bootstrap.ts';

export interface ExternalSystem {
  readonly gatewayUrl: string;
  readonly endpoint: string;
  readonly prefix: string;
}

/** The running system the environment names, or undefined when the tests should start their own. */
export function externalSystem(environment: NodeJS.ProcessEnv = process.env): ExternalSystem | undefined {
  const gatewayUrl = environment.AGORA_SYSTEM_URL;
  if (!gatewayUrl) return undefined;
  const endpoint = environment.AWS_ENDPOINT_URL;
  if (!endpoint) throw new Error('AGORA_SYSTEM_URL is set: also set AWS_ENDPOINT_URL to its emulator');
  return { gatewayUrl: gatewayUrl.replace(/\/$/, ''), endpoint, prefix: environment.AGORA_PREFIX || 'agora' };
}

async function allTopicArns(clients: BootstrapClients): Promise<string[]> {
  const arns: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.sns.send(new ListTopicsCommand({ NextToken }));
    arns.push(...(page.Topics ?? []).map((topic) => topic.TopicArn as string));
    NextToken = page.NextToken;
  } while (NextToken);
  return arns;
}

/** The EmulatorResources `bootstrap(clients, prefix)` made earlier, found without changing anything. */
export async function locateEmulatorResources(clients: BootstrapClients, prefix: string): Promise<EmulatorResources> {
  const record = emulatorResourcesRecorder(prefix);
  for (const table of tables) {
    const name = physicalName(prefix, table);
    await clients.dynamo.send(new DescribeTableCommand({ TableName: name }));
    record.table(table, name);
  }
  const queueUrl = async (name: string) =>
    (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
  for (const queue of queues) {
    const url = await queueUrl(physicalName(prefix, queue));
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    const deadLetterUrl = await queueUrl(physicalName(prefix, { name: deadLetterQueueName(queue) }));
    record.queue(queue, { url, arn: Attributes?.QueueArn as string, deadLetterUrl });
  }
  const arns = await allTopicArns(clients);
  for (const topic of topics) {
    const arn = arns.find((candidate) => candidate.endsWith(`:${physicalName(prefix, topic)}`));
    if (!arn) throw new Error(`no topic ${physicalName(prefix, topic)} at the emulator (is AGORA_PREFIX right?)`);
    record.topic(topic, arn);
  }
  for (const bucket of buckets) {
    const name = physicalName(prefix, bucket);
    await clients.s3.send(new HeadBucketCommand({ Bucket: name }));
    record.bucket(bucket, name);
  }
  for (const definition of taskQueues) record.taskQueues(definition);
  return record.deployment;
}
