/**
 * Every AWS client the services use, built in one place from config. The endpoint comes from
 * AWS_ENDPOINT_URL (the emulator locally, unset on AWS); S3 uses path-style addressing, which
 * both the emulator and AWS accept. Each call is logged with the current request's id. The SDK's
 * per-request signing waste is cut through the clients' own configuration (aws-tuning.ts).
 *
 * A client's SDK package is loaded when the client is first used, not at start: each costs
 * 100-300 ms and several MB to load, and no service uses all five (users never touches S3, SQS or
 * DynamoDB Streams), so a task that is scaling out is not kept waiting for code it never runs.
 */
import { createRequire } from 'node:module';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from 'pino';
import { KeyedSha256, tuneClient } from './aws-tuning.ts';
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
      const log = currentLogger(logger);
      // Nothing built per call when the line would be dropped (the default, info, level).
      if (!log.isLevelEnabled('debug')) return next(args);
      const started = performance.now();
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

const load = createRequire(import.meta.url);

interface Destroyable {
  destroy(): void;
  middlewareStack: { remove(name: string): boolean };
}

export interface AwsClientOptions {
  /**
   * false: the SDK's per-request defaults (signer, hash, user agent, recursion detection), for the
   * benches' comparison only. Default true: aws-tuning.ts.
   */
  readonly tuned?: boolean;
}

export function createAwsClients(config: AwsConfig, logger: Logger, options: AwsClientOptions = {}): AwsClients {
  const tuned = options.tuned ?? true;
  const common = {
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
    ...(tuned ? { sha256: KeyedSha256 } : {}),
  };
  const created: Destroyable[] = [];
  /** The client `make` builds, once, on first use. */
  function lazy<T extends Destroyable>(make: () => T, logged = true): () => T {
    let client: T | undefined;
    return () => {
      if (client) return client;
      client = make();
      // The SDK's own logger middleware walks every input and output to filter sensitive fields
      // even when nothing is logged (its default logger discards): CPU per call for nothing.
      // agoraCallLog (below) logs the calls instead.
      client.middlewareStack.remove('loggerMiddleware');
      // Per-request SDK work cut through the client's own config (aws-tuning.ts); the document
      // client shares the DynamoDB client's config and stack, so it is tuned once, there.
      if (tuned && logged) tuneClient(client as unknown as Destroyable & { config: unknown });
      if (logged) logCalls(client as unknown as MiddlewareStackOwner, logger);
      created.push(client);
      return client;
    };
  }
  // The document client shares the DynamoDB client's middleware stack: the calls are logged once, there.
  const dynamo = lazy(
    () => new (load('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb')).DynamoDBClient(common),
  );
  const documents = lazy(
    () =>
      (load('@aws-sdk/lib-dynamodb') as typeof import('@aws-sdk/lib-dynamodb')).DynamoDBDocumentClient.from(dynamo(), {
        marshallOptions: { removeUndefinedValues: true },
      }) as unknown as DynamoDBDocumentClient & Destroyable,
    false,
  );
  const streams = lazy(
    () =>
      new (
        load('@aws-sdk/client-dynamodb-streams') as typeof import('@aws-sdk/client-dynamodb-streams')
      ).DynamoDBStreamsClient(common),
  );
  const s3 = lazy(
    () =>
      new (load('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3')).S3Client({
        ...common,
        forcePathStyle: true,
      }),
  );
  const sns = lazy(() => new (load('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns')).SNSClient(common));
  const sqs = lazy(() => new (load('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs')).SQSClient(common));
  return {
    get dynamo() {
      return dynamo();
    },
    get documents() {
      return documents();
    },
    get streams() {
      return streams();
    },
    get s3() {
      return s3();
    },
    get sns() {
      return sns();
    },
    get sqs() {
      return sqs();
    },
    destroy() {
      for (const client of created) client.destroy();
    },
  };
}
