/**
 * The files-queue loop: long-poll one message at a time, keep it invisible (and the file's lease
 * alive) with a heartbeat while its files load, delete it when every file in it is done. A
 * failing message comes back later and later (visibility from its receive count), never in a
 * hot loop, and reaches the dead-letter queue after maxReceiveCount. On stop: no new receive,
 * the pending long poll ends, the current file finishes or, past the drain timeout, is handed
 * back (lease released, visibility 0) for another worker.
 *
 * A worker that dies mid-file (a kill, OOM, a lost host) leaves its message to come back, and SQS
 * counts that receive as if the file had failed. So a message near maxReceiveCount is handed to a
 * fresh copy of itself (same body, receive count back to zero, `refreshesAttribute` + 1) before
 * it is worked on, a bounded number of times; the file's own budget is the failures its
 * processing caused, counted on the upload, and each rerun resumes at the file's last checkpoint.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { sleep } from '../retry.ts';
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

const maxVisibilitySeconds = 900;
/** the message attribute counting how often a message was handed to a fresh copy */
export const refreshesAttribute = 'agora-refreshes';
/** bounds the receives of one file (maxReceiveCount × this), even if the file itself kills workers */
const maxRefreshes = 3;

export function createFilesWorker(options: FilesWorkerOptions) {
  const { sqs, queueUrl, logger: log } = options;
  let stopping = false;
  let busy = false;
  let lastActivityAt = Date.now();
  let filesLoaded = 0;
  let current: AbortController | undefined;
  let loop: Promise<void> | undefined;

  async function setVisibility(message: Message, seconds: number): Promise<void> {
    try {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: Math.min(maxVisibilitySeconds, Math.max(0, Math.ceil(seconds))),
        }),
      );
    } catch (error) {
      log.warn({ err: error, messageId: message.MessageId }, 'could not change the message visibility');
    }
  }

  function retryDelaySeconds(receiveCount: number): number {
    return Math.min(maxVisibilitySeconds, options.retryBaseSeconds * 2 ** Math.max(0, receiveCount - 1));
  }

  async function handle(message: Message): Promise<void> {
    const messageId = message.MessageId ?? '';
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
    let parsed: ReturnType<typeof parseFilesMessage>;
    try {
      parsed = parseFilesMessage(message.Body);
    } catch (error) {
      if (!(error instanceof PoisonMessageError)) throw error;
      log.warn({ messageId, receiveCount, reason: error.message }, 'not an S3 event: left for the dead-letter queue');
      await setVisibility(message, retryDelaySeconds(receiveCount));
      return;
    }
    if (parsed.kind === 'test') {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      return;
    }
    const refreshes = Number(message.MessageAttributes?.[refreshesAttribute]?.StringValue ?? '0');
    if (receiveCount >= options.maxReceiveCount - 1 && refreshes < maxRefreshes) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: message.Body ?? '',
          MessageAttributes: { [refreshesAttribute]: { DataType: 'Number', StringValue: String(refreshes + 1) } },
        }),
      );
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      log.info(
        { messageId, receiveCount, refreshes: refreshes + 1 },
        'message near its receive limit: handed to a fresh copy',
      );
      return;
    }

    const abort = new AbortController();
    current = abort;
    busy = true;
    await options.protection.set(true);
    let leased: string | undefined;
    const heartbeat = setInterval(
      () => {
        void (async () => {
          await setVisibility(message, options.visibilitySeconds);
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
          messageId,
          signal: abort.signal,
          onLease: (uploadId) => {
            leased = uploadId;
          },
          onProgress: (uploadId, rowsRead) => log.info({ messageId, uploadId, rowsRead }, 'loading a file'),
        });
        leased = undefined;
        log.info({ messageId, bucket: object.bucket, key: object.key, ...outcome }, `file ${outcome.outcome}`);
        if (outcome.outcome === 'loaded') filesLoaded += 1;
        if (outcome.outcome === 'busy') {
          await setVisibility(message, outcome.retryAfterMs / 1000);
          return;
        }
      }
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    } catch (error) {
      if (abort.signal.aborted) {
        if (stopping) {
          if (leased) await options.uploads.releaseLease(leased, options.owner).catch(() => {});
          await setVisibility(message, 0);
          log.info({ messageId, uploadId: leased }, 'shutting down: file handed back to the queue');
        }
        return;
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
        } else {
          await options.uploads.releaseLease(leased, options.owner).catch(() => {});
        }
      }
      await setVisibility(message, retryDelaySeconds(receiveCount));
    } finally {
      clearInterval(heartbeat);
      current = undefined;
      busy = false;
      await options.protection.set(false);
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      let messages: Message[];
      try {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 1,
            WaitTimeSeconds: options.pollWaitSeconds,
            VisibilityTimeout: options.visibilitySeconds,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
            MessageAttributeNames: [refreshesAttribute],
          }),
        );
        messages = received.Messages ?? [];
        lastActivityAt = Date.now();
        failures = 0;
      } catch (error) {
        failures += 1;
        log.error({ err: error }, 'receiving from the files queue failed');
        await sleep(Math.min(30_000, 500 * 2 ** failures));
        continue;
      }
      for (const message of messages) {
        if (stopping) {
          await setVisibility(message, 0);
          continue;
        }
        try {
          await handle(message);
        } catch (error) {
          log.error({ err: error, messageId: message.MessageId }, 'handling a message failed');
          await setVisibility(message, retryDelaySeconds(Number(message.Attributes?.ApproximateReceiveCount ?? '1')));
        }
      }
    }
  }

  return {
    /** Starts polling; resolves once stopped. */
    start(): Promise<void> {
      loop ??= run();
      return loop;
    },

    async stop(): Promise<void> {
      stopping = true;
      const drain = setTimeout(() => current?.abort(new Error('shutting down')), options.drainTimeoutMs);
      try {
        await loop;
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
