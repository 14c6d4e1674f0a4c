/**
 * The files-queue worker, on the runtime's shared receive loop (queue-poller.ts), one message at a
 * time: keep it invisible (and the file's lease alive) with a heartbeat while its files load,
 * delete it when every file in it is done. A failing message comes back later and later
 * (visibility from its receive count), never in a hot loop, and reaches the dead-letter queue
 * after maxReceiveCount. On stop: no new receive, the pending long poll ends, the current file
 * finishes or, past the drain timeout, is handed back (lease released, visibility 0) for another
 * worker. ECS task protection is held while a file loads.
 *
 * A worker that dies mid-file (a kill, OOM, a lost host) leaves its message to come back, and SQS
 * counts that receive as if the file had failed. So a message near maxReceiveCount is handed to a
 * fresh copy of itself (same body, receive count back to zero, `refreshesAttribute` + 1) before
 * it is worked on, a bounded number of times; the file's own budget is the failures its
 * processing caused, counted on the upload, and each rerun resumes at the file's last checkpoint.
 * A copy stands for its original (`originAttribute`): the file's lease, which names the message
 * it was taken for, is the copy's too. Otherwise a copy that arrives while the dead worker's lease
 * has not yet run out looks like a second message for a file another worker holds, and is
 * dropped as a duplicate, and the file is never finished.
 */
import { processMetrics } from '@agora/runtime/metrics';
import { createQueuePoller, receiveCountOf, retryDelaySeconds, type Settlement } from '@agora/runtime/queue-poller';
import { ChangeMessageVisibilityCommand, type Message, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import type { UploadsRepo } from '../uploads-repo.ts';
import type { ProcessContext, ProcessOutcome } from './process-object.ts';
import { type CreatedObject, PoisonMessageError, parseFilesMessage } from './s3-events.ts';
import type { TaskProtection } from './task-protection.ts';

export interface FilesWorkerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly uploads: UploadsRepo;
  readonly owner: string;
  readonly processObject: (object: CreatedObject, context: ProcessContext) => Promise<ProcessOutcome>;
  readonly protection: TaskProtection;
  readonly logger: Logger;
  readonly pollWaitSeconds: number;
  readonly visibilitySeconds: number;
  readonly retryBaseSeconds: number;
  readonly maxReceiveCount: number;
  readonly drainTimeoutMs: number;
  readonly healthMaxSilenceMs: number;
}

export interface WorkerHealth {
  readonly healthy: boolean;
  readonly busy: boolean;
  readonly stopping: boolean;
  readonly lastActivityAt: string;
  readonly filesLoaded: number;
}

/** the message attribute counting how often a message was handed to a fresh copy */
export const refreshesAttribute = 'agora-refreshes';
/** the message attribute naming the message a fresh copy stands for (the first one's id) */
export const originAttribute = 'agora-origin';
/** bounds the receives of one file (maxReceiveCount × this), even if the file itself kills workers */
const maxRefreshes = 3;

export function createFilesWorker(options: FilesWorkerOptions) {
  const { sqs, queueUrl, logger: log } = options;
  let stopping = false;
  let busy = false;
  let lastActivityAt = Date.now();
  let filesLoaded = 0;
  let current: AbortController | undefined;

  /** The heartbeat's: keeps the message invisible while its files load. */
  async function keepInvisible(message: Message): Promise<void> {
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: message.ReceiptHandle,
        VisibilityTimeout: options.visibilitySeconds,
      }),
    );
  }

  const retryLater = (receiveCount: number): Settlement => ({
    retryAfterSeconds: retryDelaySeconds(receiveCount, options.retryBaseSeconds),
  });

  async function handle(message: Message): Promise<Settlement> {
    const messageId = message.MessageId ?? '';
    const receiveCount = receiveCountOf(message);
    let parsed: ReturnType<typeof parseFilesMessage>;
    try {
      parsed = parseFilesMessage(message.Body);
    } catch (error) {
      if (!(error instanceof PoisonMessageError)) throw error;
      log.warn({ messageId, receiveCount, reason: error.message }, 'not an S3 event: left for the dead-letter queue');
      return retryLater(receiveCount);
    }
    if (parsed.kind === 'test') return 'done';
    const refreshes = Number(message.MessageAttributes?.[refreshesAttribute]?.StringValue ?? '0');
    // the message a lease names: the first of this message's copies
    const origin = message.MessageAttributes?.[originAttribute]?.StringValue ?? messageId;
    if (receiveCount >= options.maxReceiveCount - 1 && refreshes < maxRefreshes) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: message.Body ?? '',
          MessageAttributes: {
            [refreshesAttribute]: { DataType: 'Number', StringValue: String(refreshes + 1) },
            [originAttribute]: { DataType: 'String', StringValue: origin },
          },
        }),
      );
      log.info(
        { messageId, receiveCount, refreshes: refreshes + 1 },
        'message near its receive limit: handed to a fresh copy',
      );
      return 'done';
    }

    const abort = new AbortController();
    current = abort;
    busy = true;
    await options.protection.set(true);
    let leased: string | undefined;
    const heartbeat = setInterval(
      () => {
        void (async () => {
          await keepInvisible(message).catch((error) =>
            log.warn({ err: error, messageId }, 'could not change the message visibility'),
          );
          if (leased && !(await options.uploads.extendLease(leased, options.owner, options.visibilitySeconds * 1000))) {
            log.warn({ uploadId: leased }, 'lost the lease on a file (stalled?): stopping work on it');
            abort.abort(new Error('lease lost'));
          }
          lastActivityAt = Date.now();
        })().catch((error) => log.warn({ err: error }, 'heartbeat failed'));
      },
      (options.visibilitySeconds * 1000) / 3,
    );
    try {
      for (const object of parsed.objects) {
        const outcome = await options.processObject(object, {
          messageId: origin,
          signal: abort.signal,
          onLease: (uploadId) => {
            leased = uploadId;
          },
          onProgress: (uploadId, rowsRead) => log.info({ messageId, uploadId, rowsRead }, 'loading a file'),
        });
        leased = undefined;
        log.info({ messageId, bucket: object.bucket, key: object.key, ...outcome }, `file ${outcome.outcome}`);
        if (outcome.outcome === 'loaded') filesLoaded += 1;
        if (outcome.outcome === 'loaded' || outcome.outcome === 'failed') {
          processMetrics()?.count(outcome.outcome === 'loaded' ? 'FilesLoaded' : 'FilesFailed');
        }
        if (outcome.outcome === 'busy') return { retryAfterSeconds: outcome.retryAfterMs / 1000 };
      }
      return 'done';
    } catch (error) {
      if (abort.signal.aborted) {
        if (!stopping) return 'keep'; // the lease was lost: the worker that took it over owns the file now
        if (leased) await options.uploads.releaseLease(leased, options.owner).catch(() => {});
        log.info({ messageId, uploadId: leased }, 'shutting down: file handed back to the queue');
        return { retryAfterSeconds: 0 };
      }
      log.error({ err: error, messageId, receiveCount, uploadId: leased }, 'loading a file failed; it will be retried');
      if (leased) {
        // Only failures the file's processing caused count against its budget: a worker that
        // died (a kill, OOM, a lost host) never gets here, so its receives are not the file's fault.
        const failures = await options.uploads.recordFailure(leased).catch(() => receiveCount);
        const lastReceive = receiveCount >= options.maxReceiveCount && refreshes >= maxRefreshes;
        if (failures >= options.maxReceiveCount - 1 || lastReceive) {
          await options.uploads
            .fail(leased, `Gave up after ${failures} failed attempts: ${(error as Error).message}`, options.owner)
            .catch(() => {});
          processMetrics()?.count('FilesFailed');
        } else {
          await options.uploads.releaseLease(leased, options.owner).catch(() => {});
        }
      }
      return retryLater(receiveCount);
    } finally {
      clearInterval(heartbeat);
      current = undefined;
      busy = false;
      await options.protection.set(false);
    }
  }

  const poller = createQueuePoller({
    sqs,
    queueUrl,
    logger: log,
    handle,
    batchSize: 1,
    waitTimeSeconds: options.pollWaitSeconds,
    visibilityTimeoutSeconds: options.visibilitySeconds,
    messageAttributeNames: [refreshesAttribute, originAttribute],
    retryDelaySeconds: (receiveCount) => retryDelaySeconds(receiveCount, options.retryBaseSeconds),
    onReceive: () => {
      lastActivityAt = Date.now();
    },
  });

  return {
    /** Starts polling; resolves once stopped. */
    start(): Promise<void> {
      return poller.start();
    },

    async stop(): Promise<void> {
      stopping = true;
      const drain = setTimeout(() => current?.abort(new Error('shutting down')), options.drainTimeoutMs);
      try {
        await poller.stop();
      } finally {
        clearTimeout(drain);
      }
    },

    health(): WorkerHealth {
      const silentFor = Date.now() - lastActivityAt;
      return {
        healthy: silentFor <= options.healthMaxSilenceMs,
        busy,
        stopping,
        lastActivityAt: new Date(lastActivityAt).toISOString(),
        filesLoaded,
      };
    },
  };
}

export type FilesWorker = ReturnType<typeof createFilesWorker>;
