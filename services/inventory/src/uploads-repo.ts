/**
 * The uploads table: one item per uploaded file (`uploadId`), which is also the file's
 * processing lease, so that one worker at a time loads a file and a finished file is never
 * loaded again; and one `store#<name>` item per store, listed through a sparse index.
 */

import { batchWriteAll, type CursorPage, pageOf, unlessConditionFails } from '@agora/runtime/dynamo';
import { cursorValues, decodeCursor } from '@agora/runtime/ids';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

export type UploadStatus = 'received' | 'processing' | 'done' | 'failed';

export interface RejectedLine {
  readonly line: number;
  readonly reason: string;
}

export interface Upload {
  readonly uploadId: string;
  readonly status: UploadStatus;
  /** `api`: through POST /api/inventory/uploads; `bucket`: dropped straight into the bucket */
  readonly source: 'api' | 'bucket';
  readonly bucket: string;
  readonly s3Key: string;
  readonly fileName?: string;
  readonly uploadedBy?: string;
  readonly size?: number;
  readonly eTag?: string;
  /** the store, when the file held exactly one */
  readonly store?: string;
  readonly rowsAccepted?: number;
  readonly rowsRejected?: number;
  readonly rejectedRows?: RejectedLine[];
  readonly failureReason?: string;
  readonly receivedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly attempts?: number;
  /** how far earlier attempts got: every row up to `rows` is applied and its alerts published */
  readonly committed?: Checkpoint;
  /** attempts that failed because of the file's processing (not a worker's death) */
  readonly failures?: number;
}

export interface Checkpoint {
  /** rows read (accepted or rejected) whose writes and alerts are all committed */
  readonly rows: number;
  readonly alertsSent: number;
  /** stores that had no item when this upload began (up to 1,000): a rerun need not read their counts */
  readonly storesWithoutItems?: readonly string[];
}

export interface UploadResult {
  readonly rowsAccepted: number;
  readonly rowsRejected: number;
  readonly rejectedRows: readonly RejectedLine[];
  readonly store?: string | undefined;
}

export type ClaimOutcome =
  | { readonly outcome: 'claimed'; readonly upload: Upload }
  | { readonly outcome: 'finished'; readonly upload: Upload }
  | { readonly outcome: 'busy'; readonly leaseMessageId?: string; readonly leaseUntil: number };

const bookkeeping = ['leaseOwner', 'leaseUntil', 'leaseMessageId'];
const storeList = 'store';
const storesIndex = 'storesByName';

function toUpload(item: Record<string, unknown>): Upload {
  const upload = { ...item };
  for (const name of bookkeeping) delete upload[name];
  return upload as unknown as Upload;
}

export function createUploadsRepo(documents: DynamoDBDocumentClient, tableName: string) {
  /** An update only the lease holder makes; none when the lease is no longer `owner`'s. */
  async function asLeaseHolder(
    uploadId: string,
    owner: string,
    updateExpression: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    await unlessConditionFails(
      documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { uploadId },
          UpdateExpression: updateExpression,
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ...values, ':owner': owner },
        }),
      ),
    );
  }

  return {
    /** Records a new upload; false when one with this id exists already. */
    async create(upload: Upload): Promise<boolean> {
      const written = await unlessConditionFails(
        documents.send(
          new PutCommand({ TableName: tableName, Item: upload, ConditionExpression: 'attribute_not_exists(uploadId)' }),
        ),
      );
      return written !== undefined;
    },

    async find(uploadId: string): Promise<Upload | undefined> {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: { uploadId }, ConsistentRead: true }),
      );
      return Item && Item.storeList === undefined ? toUpload(Item) : undefined;
    },

    /** Once the object is in S3 (API uploads): its size and ETag. */
    async recordObject(uploadId: string, object: { size: number; eTag?: string | undefined }): Promise<void> {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { uploadId },
          UpdateExpression: object.eTag ? 'SET #size = :size, eTag = :eTag' : 'SET #size = :size',
          ExpressionAttributeNames: { '#size': 'size' },
          ExpressionAttributeValues: { ':size': object.size, ...(object.eTag ? { ':eTag': object.eTag } : {}) },
        }),
      );
    },

    /**
     * Takes the upload's lease for `leaseMs` unless it is finished or another worker holds a live
     * lease. The lease names the SQS message it was taken for, so a duplicate event for the same
     * file can be told apart from that same message coming back.
     */
    async claim(
      uploadId: string,
      lease: { owner: string; messageId: string; leaseMs: number; now?: number },
      /** recorded when no upload has this id yet (a file dropped straight into the bucket) */
      initial: Omit<Upload, 'uploadId' | 'status'>,
    ): Promise<ClaimOutcome> {
      const now = lease.now ?? Date.now();
      const defaults = Object.entries(initial).filter(([, value]) => value !== undefined);
      const claimed = await unlessConditionFails(
        documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { uploadId },
            UpdateExpression:
              'SET #status = :processing, leaseOwner = :owner, leaseUntil = :until, leaseMessageId = :message, ' +
              'startedAt = if_not_exists(startedAt, :startedAt), ' +
              defaults.map((_, index) => `#d${index} = if_not_exists(#d${index}, :d${index})`).join(', ') +
              ' ADD attempts :one',
            ConditionExpression:
              'attribute_not_exists(uploadId) OR (#status IN (:received, :processing) AND ' +
              '(attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner))',
            ExpressionAttributeNames: {
              '#status': 'status',
              ...Object.fromEntries(defaults.map(([name], index) => [`#d${index}`, name])),
            },
            ExpressionAttributeValues: {
              ...Object.fromEntries(defaults.map(([, value], index) => [`:d${index}`, value])),
              ':processing': 'processing',
              ':received': 'received',
              ':owner': lease.owner,
              ':until': now + lease.leaseMs,
              ':message': lease.messageId,
              ':startedAt': new Date(now).toISOString(),
              ':now': now,
              ':one': 1,
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      if (claimed) return { outcome: 'claimed', upload: toUpload(claimed.Attributes ?? {}) };
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: { uploadId }, ConsistentRead: true }),
      );
      if (Item && (Item.status === 'done' || Item.status === 'failed')) {
        return { outcome: 'finished', upload: toUpload(Item) };
      }
      return {
        outcome: 'busy',
        leaseUntil: Number(Item?.leaseUntil ?? 0),
        ...(Item?.leaseMessageId ? { leaseMessageId: Item.leaseMessageId as string } : {}),
      };
    },

    /** Extends the lease; false when it is no longer ours (we stalled and another worker took over). */
    async extendLease(uploadId: string, owner: string, leaseMs: number): Promise<boolean> {
      const extended = await unlessConditionFails(
        documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { uploadId },
            UpdateExpression: 'SET leaseUntil = :until',
            ConditionExpression: 'leaseOwner = :owner AND #status = :processing',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':until': Date.now() + leaseMs, ':owner': owner, ':processing': 'processing' },
          }),
        ),
      );
      return extended !== undefined;
    },

    /** Gives the lease up so the next delivery can take the file at once. */
    async releaseLease(uploadId: string, owner: string): Promise<void> {
      await asLeaseHolder(uploadId, owner, 'SET leaseUntil = :zero', { ':zero': 0 });
    },

    /** Records how far this attempt has committed, so a rerun after a crash resumes there. */
    async checkpoint(uploadId: string, owner: string, committed: Checkpoint): Promise<void> {
      // a lost lease: the heartbeat stops this attempt, and its checkpoint no longer matters
      await asLeaseHolder(uploadId, owner, 'SET committed = :committed', { ':committed': committed });
    },

    /** Counts one failed attempt against the file's budget; the count so far. */
    async recordFailure(uploadId: string): Promise<number> {
      const { Attributes } = await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { uploadId },
          UpdateExpression: 'ADD failures :one',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.failures ?? 1);
    },

    /** Marks the upload done with its counts (only the lease holder can). */
    async finish(uploadId: string, owner: string, result: UploadResult): Promise<void> {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { uploadId },
          UpdateExpression:
            'SET #status = :done, rowsAccepted = :accepted, rowsRejected = :rejected, rejectedRows = :rows, ' +
            'finishedAt = :now' +
            (result.store ? ', #store = :store' : '') +
            ' REMOVE leaseOwner, leaseUntil, leaseMessageId',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeNames: { '#status': 'status', ...(result.store ? { '#store': 'store' } : {}) },
          ExpressionAttributeValues: {
            ':done': 'done',
            ':accepted': result.rowsAccepted,
            ':rejected': result.rowsRejected,
            ':rows': result.rejectedRows,
            ':now': new Date().toISOString(),
            ':owner': owner,
            ...(result.store ? { ':store': result.store } : {}),
          },
        }),
      );
    },

    /** Marks the upload failed with a reason; `owner` guards it when a worker holds the lease. */
    async fail(uploadId: string, reason: string, owner?: string, partial?: UploadResult): Promise<void> {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { uploadId },
          UpdateExpression:
            'SET #status = :failed, failureReason = :reason, finishedAt = :now' +
            (partial ? ', rowsAccepted = :accepted, rowsRejected = :rejected, rejectedRows = :rows' : '') +
            ' REMOVE leaseOwner, leaseUntil, leaseMessageId',
          ...(owner ? { ConditionExpression: 'leaseOwner = :owner' } : {}),
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':reason': reason.slice(0, 1000),
            ':now': new Date().toISOString(),
            ...(owner ? { ':owner': owner } : {}),
            ...(partial
              ? { ':accepted': partial.rowsAccepted, ':rejected': partial.rowsRejected, ':rows': partial.rejectedRows }
              : {}),
          },
        }),
      );
    },

    /** Records stores as known (idempotent). */
    async addStores(stores: readonly string[]): Promise<void> {
      const puts = stores.map((store) => ({ PutRequest: { Item: { uploadId: `store#${store}`, storeList, store } } }));
      await batchWriteAll(documents, tableName, puts);
    },

    async listStores(limit: number, cursor?: string): Promise<CursorPage<string>> {
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: storesIndex,
          KeyConditionExpression: 'storeList = :store',
          ExpressionAttributeValues: { ':store': storeList },
          ExclusiveStartKey: decodeCursor(cursor, {
            uploadId: (value, key) => value === `store#${key.store}`,
            storeList,
            store: cursorValues.any,
          }),
          Limit: limit,
        }),
      );
      return pageOf(
        Items.map((item) => item.store as string),
        LastEvaluatedKey,
      );
    },
  };
}

export type UploadsRepo = ReturnType<typeof createUploadsRepo>;
