/**
 * One created object, from S3 event to finished upload: find (or record) its upload, take the
 * upload's lease, stream the object through the CSV reader into the inventory, mark it done or
 * failed. A file is identified by its upload id: the one the service put in the object's
 * metadata, or for a file dropped straight into the bucket one derived from (bucket, key, ETag),
 * so the two events moto sends for a multipart upload, and any redelivery, name the same upload.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { processMetrics } from '@agora/runtime/metrics';
import { contextFrom, currentContext, inProcessSpan } from '@agora/runtime/trace-context';
import { GetObjectCommand, HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { uploadIdMetadata } from '../upload-metadata.ts';
import type { UploadsRepo } from '../uploads-repo.ts';
import { type LoadDependencies, loadStock } from './load-stock.ts';
import { type CreatedObject, unquoteETag } from './s3-events.ts';
import { readStockCsv, UnreadableFileError } from './stock-csv.ts';

/** rows between two checkpoints of a file's progress (sooner when alerts went out: see below) */
const checkpointEvery = 2000;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A time-ordered (v7-shaped) id that is the same every time for the same object version. */
export function bucketUploadId(lastModifiedMs: number, bucket: string, key: string, eTag: string): string {
  const bytes = createHash('sha256').update(`${bucket}\u0000${key}\u0000${eTag}`).digest().subarray(0, 16);
  bytes.writeUIntBE(lastModifiedMs, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface ProcessDependencies extends LoadDependencies {
  readonly s3: S3Client;
  readonly uploads: UploadsRepo;
  /** this worker, as lease owner */
  readonly owner: string;
  readonly leaseMs: number;
}

export interface ProcessContext {
  /** the message the file's lease is taken for (a fresh copy's original: files-worker.ts) */
  readonly messageId: string;
  readonly signal: AbortSignal;
  /** called once the lease is ours, so the heartbeat extends it */
  readonly onLease?: (uploadId: string) => void;
  readonly onProgress?: (uploadId: string, rowsRead: number) => void;
}

export type ProcessOutcome =
  | { readonly outcome: 'loaded' | 'failed' | 'finished-before' | 'duplicate' | 'gone'; readonly uploadId?: string }
  | { readonly outcome: 'busy'; readonly uploadId: string; readonly retryAfterMs: number };

function isMissing(error: unknown): boolean {
  const name = (error as Error).name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    name === 'NotFound' || name === 'NoSuchKey' || name === 'PreconditionFailed' || status === 404 || status === 412
  );
}

/** The worker's ingest figures for one file (aggregated per interval, see @agora/runtime/metrics). */
function recordLoad(loaded: { rowsAccepted: number; rowsRejected: number; alertsSent: number }, ms: number): void {
  const metrics = processMetrics();
  if (!metrics) return;
  const rows = loaded.rowsAccepted + loaded.rowsRejected;
  metrics.count('RowsLoaded', {}, rows);
  metrics.count('RowsRejected', {}, loaded.rowsRejected);
  metrics.count('AlertsSent', {}, loaded.alertsSent);
  if (ms > 0) metrics.observe('IngestRowsPerSecond', {}, (rows * 1000) / ms, 'Count/Second');
}

function fileName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1) || key;
}

export async function processObject(
  deps: ProcessDependencies,
  object: CreatedObject,
  context: ProcessContext,
): Promise<ProcessOutcome> {
  const { s3 } = deps;
  const ifMatch = object.eTag ? { IfMatch: `"${object.eTag}"` } : {};
  let head: HeadObjectCommandOutput;
  try {
    head = await s3.send(new HeadObjectCommand({ Bucket: object.bucket, Key: object.key, ...ifMatch }));
  } catch (error) {
    // Deleted or replaced since the event: the replacement has its own event.
    if (isMissing(error)) return { outcome: 'gone' };
    throw error;
  }
  // The rest of the file's work continues the trace of the request that uploaded it (its metadata
  // carries the traceparent); a file dropped straight into the bucket stays in the message's trace.
  return inProcessSpan(
    'process stock file',
    contextFrom(head.Metadata, currentContext()),
    { 'aws.s3.bucket': object.bucket, 'aws.s3.key': object.key },
    () => processHeadedObject(deps, object, context, head),
  );
}

async function processHeadedObject(
  deps: ProcessDependencies,
  object: CreatedObject,
  context: ProcessContext,
  head: HeadObjectCommandOutput,
): Promise<ProcessOutcome> {
  const { s3, uploads, owner } = deps;
  const eTag = unquoteETag(head.ETag) ?? object.eTag ?? '';
  const lastModified = head.LastModified ?? new Date();
  const given = head.Metadata?.[uploadIdMetadata];
  const uploadId =
    given && uuidPattern.test(given) ? given : bucketUploadId(lastModified.getTime(), object.bucket, object.key, eTag);

  // Records the upload too, for a file dropped straight into the bucket (or seen for the first time).
  const claim = await uploads.claim(
    uploadId,
    { owner, messageId: context.messageId, leaseMs: deps.leaseMs },
    {
      source: given ? 'api' : 'bucket',
      bucket: object.bucket,
      s3Key: object.key,
      fileName: fileName(object.key),
      size: head.ContentLength ?? 0,
      eTag,
      receivedAt: lastModified.toISOString(),
    },
  );
  if (claim.outcome === 'finished') return { outcome: 'finished-before', uploadId };
  if (claim.outcome === 'busy') {
    // Another message for the same file (moto's second multipart event, an S3 duplicate) while a
    // worker holds it: that worker's own message stays in the queue until the file is done.
    if (claim.leaseMessageId !== context.messageId) return { outcome: 'duplicate', uploadId };
    return { outcome: 'busy', uploadId, retryAfterMs: Math.max(1000, claim.leaseUntil - Date.now()) };
  }
  context.onLease?.(uploadId);

  let body: Readable;
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key, IfMatch: `"${eTag}"` }), {
      abortSignal: context.signal,
    });
    body = got.Body as Readable;
  } catch (error) {
    if (!isMissing(error)) throw error;
    await uploads.fail(uploadId, 'The file was deleted or replaced before it could be read', owner);
    return { outcome: 'failed', uploadId };
  }
  const started = performance.now();
  try {
    let checkpointed = claim.upload.committed ?? { rows: 0, alertsSent: 0 };
    const loaded = await loadStock(deps, uploadId, readStockCsv(body), {
      signal: context.signal,
      resume: (claim.upload.attempts ?? 1) > 1,
      resumeAfter: claim.upload.committed,
      onProgress: (rowsRead) => context.onProgress?.(uploadId, rowsRead),
      // One write per `checkpointEvery` rows (a rerun repeats at most that many), and one after
      // every chunk that published alerts: it records that they went out (a rerun republishes
      // only the alerts past the checkpoint), one write per chunk rather than one per alert.
      onCommitted: async (committed) => {
        const alerted = committed.alertsSent > checkpointed.alertsSent;
        if (!alerted && committed.rows - checkpointed.rows < checkpointEvery) return;
        checkpointed = committed;
        await uploads.checkpoint(uploadId, owner, committed);
      },
    });
    await uploads.addStores(loaded.stores);
    await uploads.finish(uploadId, owner, loaded);
    recordLoad(loaded, performance.now() - started);
    return { outcome: 'loaded', uploadId };
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    await uploads.fail(uploadId, error.message, owner);
    return { outcome: 'failed', uploadId };
  } finally {
    body.destroy();
  }
}
