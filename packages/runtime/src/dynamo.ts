/** DynamoDB patterns the repositories share: conditional writes, batch writes, pages with a cursor. */
import {
  BatchWriteItemCommand,
  type WriteRequest as MarshalledWriteRequest,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type Backoff, defaultBackoff, jitteredDelay, sleep } from './backoff.ts';
import { encodeCursor } from './ids.ts';

export function isConditionFailure(error: unknown): boolean {
  return (error as Error).name === 'ConditionalCheckFailedException';
}

/** Awaits a conditional write: its output, or undefined when its condition did not hold. */
export async function unlessConditionFails<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/** A conditional UpdateItem: the item as it is after the update, or undefined when the condition did not hold. */
export async function conditionalUpdate(
  documents: DynamoDBDocumentClient,
  input: Omit<UpdateCommandInput, 'ReturnValues'>,
): Promise<Record<string, unknown> | undefined> {
  const output = await unlessConditionFails(documents.send(new UpdateCommand({ ...input, ReturnValues: 'ALL_NEW' })));
  return output?.Attributes;
}

/** The positions of a cancelled TransactWriteItems' items whose condition failed; empty for any other error. */
export function failedConditions(error: unknown): number[] {
  if (!(error instanceof TransactionCanceledException)) return [];
  return (error.CancellationReasons ?? []).flatMap((reason, index) =>
    reason.Code === 'ConditionalCheckFailed' ? [index] : [],
  );
}

/** One put or delete of a BatchWriteItem. */
export type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

export interface BatchWriteOptions {
  /** how UnprocessedItems are retried: full-jitter backoff, at most `maxAttempts` requests per batch */
  readonly backoff?: Backoff;
  /** BatchWriteItem requests in flight at once */
  readonly concurrency?: number;
}

/** BatchWriteItem's limit of requests per call. */
export const batchWriteLimit = 25;

/**
 * Writes every request, 25 per BatchWriteItem, `concurrency` batches at a time, sending each
 * batch's UnprocessedItems again after a jittered backoff. A batch still unprocessed after
 * `maxAttempts` requests is an error that says how much was left. Returns the number of
 * BatchWriteItem requests sent. Requests in one call must name distinct keys.
 */
export function batchWriteAll(
  documents: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  options: BatchWriteOptions = {},
): Promise<number> {
  return writeInBatches(tableName, requests, options, async (batch) => {
    const { UnprocessedItems } = await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch } }));
    return UnprocessedItems?.[tableName] ?? [];
  });
}

export type { MarshalledWriteRequest };

/**
 * batchWriteAll for requests already in DynamoDB's attribute-value form, sent as the low-level
 * BatchWriteItem (the document client marshals only in its own commands; a low-level one goes
 * out as built): for a bulk writer, marshalling each item costs CPU per row, about a tenth of a
 * 25-row request's own CPU (services/inventory/bench/request-cpu.ts).
 */
export function batchWriteMarshalled(
  documents: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly MarshalledWriteRequest[],
  options: BatchWriteOptions = {},
): Promise<number> {
  return writeInBatches(tableName, requests, options, async (batch) => {
    const { UnprocessedItems } = await documents.send(
      new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }),
    );
    return UnprocessedItems?.[tableName] ?? [];
  });
}

/** One BatchWriteItem of `batch`: what it left unprocessed. */
type SendBatch<Request> = (batch: Request[]) => Promise<Request[]>;

async function writeInBatches<Request>(
  tableName: string,
  requests: readonly Request[],
  options: BatchWriteOptions,
  send: SendBatch<Request>,
): Promise<number> {
  const backoff = options.backoff ?? defaultBackoff;
  const concurrency = options.concurrency ?? 1;

  async function writeBatch(batch: Request[]): Promise<number> {
    let pending = batch;
    let attempt = 0;
    while (pending.length > 0) {
      if (attempt >= backoff.maxAttempts) {
        throw new Error(
          `BatchWriteItem on ${tableName} left ${pending.length} of ${batch.length} writes unprocessed after ${attempt} attempts`,
        );
      }
      if (attempt > 0) await sleep(jitteredDelay(attempt, backoff));
      attempt += 1;
      pending = await send(pending);
    }
    return attempt;
  }

  const batches: Request[][] = [];
  for (let at = 0; at < requests.length; at += batchWriteLimit) batches.push(requests.slice(at, at + batchWriteLimit));
  let sent = 0;
  for (let at = 0; at < batches.length; at += concurrency) {
    const counts = await Promise.all(batches.slice(at, at + concurrency).map(writeBatch));
    sent += counts.reduce((sum, count) => sum + count, 0);
  }
  return sent;
}

/** BatchGetItem's limit of keys per call. */
export const batchGetLimit = 100;

export interface BatchGetOptions {
  /** only these attributes are read (a read unit covers 4 KB: the less read, the fewer units) */
  readonly projection: readonly string[];
  /** retries of UnprocessedKeys: full-jitter backoff, at most `maxAttempts` requests per batch */
  readonly backoff?: Backoff;
  /** strongly consistent reads (a full read unit per 4 KB, not half): they show every write that has finished */
  readonly consistent?: boolean;
}

/**
 * Reads the items of up to 100 keys per BatchGetItem, eventually consistent unless asked (half the
 * read units of a strongly consistent read), sending UnprocessedKeys again after a jittered backoff.
 * Returns the items found, in no particular order (absent keys are simply missing).
 */
export async function batchGetAll(
  documents: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  options: BatchGetOptions,
): Promise<Record<string, unknown>[]> {
  const backoff = options.backoff ?? defaultBackoff;
  const names = Object.fromEntries(options.projection.map((name, index) => [`#p${index}`, name]));
  const found: Record<string, unknown>[] = [];
  for (let at = 0; at < keys.length; at += batchGetLimit) {
    let pending = keys.slice(at, at + batchGetLimit);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= backoff.maxAttempts) {
        throw new Error(
          `BatchGetItem on ${tableName} left ${pending.length} keys unprocessed after ${attempt} attempts`,
        );
      }
      if (attempt > 0) await sleep(jitteredDelay(attempt, backoff));
      const output = await documents.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ConsistentRead: options.consistent ?? false,
              ProjectionExpression: Object.keys(names).join(', '),
              ExpressionAttributeNames: names,
            },
          },
        }),
      );
      found.push(...(output.Responses?.[tableName] ?? []));
      pending = (output.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}

export interface CursorPage<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** A page of a Query's items, with the cursor of the next page when there is one. */
export function pageOf<T>(items: T[], lastEvaluatedKey: Record<string, unknown> | undefined): CursorPage<T> {
  const nextCursor = encodeCursor(lastEvaluatedKey);
  return { items, ...(nextCursor ? { nextCursor } : {}) };
}
