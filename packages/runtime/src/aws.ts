/**
 * Every AWS client the services use, built in one place from config. The endpoint comes from
 * AWS_ENDPOINT_URL (the emulator locally, unset on AWS); S3 uses path-style addressing, which
 * both the emulator and AWS accept. Each call is logged with the current request's id.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from 'pino';
import { currentLogger } from './logger.ts';

export interface AwsConfig {
  readonly AWS_REGION: string;
  readonly AWS_ENDPOINT_URL?: string | undefined;
}

export interface AwsClients {
  readonly dynamo: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  /** DynamoDB Streams (the inventory service's live feed reads the inventory table's stream) */
  readonly streams: DynamoDBStreamsClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  destroy(): void;
}

interface MiddlewareStackOwner {
  middlewareStack: { add(middleware: unknown, options: { step: 'initialize'; name: string }): void };
}

function logCalls(client: MiddlewareStackOwner, logger: Logger): void {
  const middleware =
    (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
    async (args: unknown) => {
      const started = performance.now();
      const log = currentLogger(logger);
      const call = { client: context.clientName, command: context.commandName };
      try {
        const result = await next(args);
        log.debug({ aws: { ...call, ms: Math.round(performance.now() - started) } }, 'aws call');
        return result;
      } catch (error) {
        const name = (error as Error).name;
        log.debug({ aws: { ...call, ms: Math.round(performance.now() - started), error: name } }, 'aws call failed');
        throw error;
      }
    };
  client.middlewareStack.add(middleware, { step: 'initialize', name: 'agoraCallLog' });
}

export function createAwsClients(config: AwsConfig, logger: Logger): AwsClients {
  const common = {
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
  };
  const dynamo = new DynamoDBClient(common);
  const documents = DynamoDBDocumentClient.from(dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const streams = new DynamoDBStreamsClient(common);
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const sns = new SNSClient(common);
  const sqs = new SQSClient(common);
  for (const client of [documents, streams, s3, sns, sqs]) logCalls(client as unknown as MiddlewareStackOwner, logger);
  return {
    dynamo,
    documents,
    streams,
    s3,
    sns,
    sqs,
    destroy() {
      for (const client of [dynamo, streams, s3, sns, sqs]) client.destroy();
    },
  };
}
