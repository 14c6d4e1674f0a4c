/**
 * The one SQS receive loop every consumer in Agora runs (the services' event consumers and the
 * inventory worker): long-poll, hand each message to a handler, settle it as the handler says,
 * and stop on demand (the long poll is aborted, the handlers in flight finish).
 *
 * - The handler returns 'done' (the message is deleted), 'keep' (left as it is: it comes back when
 *   its visibility runs out), or { retryAfterSeconds } (it comes back after that long).
 * - A handler that throws is retried later and later, `retryDelaySeconds(receiveCount)`, and ends
 *   in the dead-letter queue once the redrive policy's maxReceiveCount is reached.
 * - A failed receive is retried after a full-jitter backoff, never in a hot loop.
 * Handlers must be idempotent: SQS delivers at least once.
 */

import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { type Backoff, jitteredDelay, sleep } from './backoff.ts';
import { processMetrics } from './metrics.ts';
import { contextFrom, inProcessSpan, messageTraceCarrier, traceCarrierFields } from './trace-context.ts';

export type Settlement = 'done' | 'keep' | { readonly retryAfterSeconds: number };

/** SQS's longest visibility timeout a retry delay is capped below (15 minutes, as SQS's own DelaySeconds). */
export const maxRetryDelaySeconds = 900;

/** The retry schedule of a failing message: base × 2^(receives − 1) seconds, at most `capSeconds`. */
export function retryDelaySeconds(receiveCount: number, baseSeconds: number, capSeconds = maxRetryDelaySeconds) {
  return Math.min(capSeconds, baseSeconds * 2 ** Math.max(0, receiveCount - 1));
}

export function receiveCountOf(message: Message): number {
  return Number(message.Attributes?.ApproximateReceiveCount ?? '1');
}

export interface QueuePollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly logger: Logger;
  readonly handle: (message: Message) => Promise<Settlement>;
  /** messages per receive (1 to 10), handled concurrently */
  readonly batchSize: number;
  /** long-poll wait (≤ 20 s) */
  readonly waitTimeSeconds: number;
  /** the message attributes each receive asks for, besides the trace context's */
  readonly messageAttributeNames?: readonly string[];
  /** the visibility a received message starts with; the queue's own when absent */
  readonly visibilityTimeoutSeconds?: number;
  /** when a thrown handler's message comes back, by its receive count */
  readonly retryDelaySeconds: (receiveCount: number) => number;
  /** after a failed receive */
  readonly receiveBackoff?: Backoff;
  /** each receive that succeeded (for health reports) */
  readonly onReceive?: () => void;
}

export interface QueuePoller {
  /** Starts polling; resolves once stopped. */
  start(): Promise<void>;
  /** Aborts the long poll and waits for the handlers in flight. */
  stop(): Promise<void>;
  readonly running: boolean;
}

const defaultReceiveBackoff: Backoff = { baseMs: 500, capMs: 30_000, maxAttempts: Number.POSITIVE_INFINITY };

export function createQueuePoller(options: QueuePollerOptions): QueuePoller {
  const { sqs, queueUrl, logger } = options;
  const receiveBackoff = options.receiveBackoff ?? defaultReceiveBackoff;
  const stopping = new AbortController();
  let loop: Promise<void> | undefined;

  /** Makes the message visible again after `seconds` (0: at once); a failure only delays it further. */
  async function setVisibility(message: Message, seconds: number): Promise<void> {
    try {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: Math.min(maxRetryDelaySeconds, Math.max(0, Math.ceil(seconds))),
        }),
      );
    } catch (error) {
      logger.warn({ err: error, messageId: message.MessageId }, 'could not change the message visibility');
    }
  }

  const queueName = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
  // Each message is handled in a span continuing the trace its sender put in its attributes.
  const traced = (message: Message) =>
    inProcessSpan(
      `${queueName} process`,
      contextFrom(messageTraceCarrier(message)),
      {
        'messaging.system': 'aws_sqs',
        'messaging.destination.name': queueName,
        'messaging.message.id': message.MessageId ?? '',
      },
      async () => {
        const metrics = processMetrics();
        const dimensions = { Queue: queueName };
        const sentAt = Number(message.Attributes?.SentTimestamp);
        if (metrics && Number.isFinite(sentAt)) metrics.observe('MessageAge', dimensions, Date.now() - sentAt);
        const settlement = await settle(message);
        if (settlement === 'keep') return;
        metrics?.count('MessagesProcessed', dimensions, settlement === 'done' ? 1 : 0);
        metrics?.count('MessagesFailed', dimensions, settlement === 'done' ? 0 : 1);
      },
    );
  const attributeNames = [...(options.messageAttributeNames ?? []), ...traceCarrierFields()];

  /** Handles the message and settles it; answers how (a thrown handler is a retry). */
  async function settle(message: Message): Promise<Settlement> {
    let settlement: Settlement;
    try {
      settlement = await options.handle(message);
    } catch (error) {
      const receiveCount = receiveCountOf(message);
      const retryInSeconds = options.retryDelaySeconds(receiveCount);
      logger.warn(
        { err: error, messageId: message.MessageId, receiveCount, retryInSeconds },
        'message not handled: it will be retried or dead-lettered',
      );
      settlement = { retryAfterSeconds: retryInSeconds };
    }
    if (settlement === 'keep') return settlement;
    if (settlement === 'done') {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      return settlement;
    }
    await setVisibility(message, settlement.retryAfterSeconds);
    return settlement;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopping.signal.aborted) {
      let messages: Message[];
      try {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: options.batchSize,
            WaitTimeSeconds: options.waitTimeSeconds,
            ...(options.visibilityTimeoutSeconds !== undefined
              ? { VisibilityTimeout: options.visibilityTimeoutSeconds }
              : {}),
            MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
            MessageAttributeNames: attributeNames,
          }),
          { abortSignal: stopping.signal },
        );
        messages = received.Messages ?? [];
        failures = 0;
        options.onReceive?.();
      } catch (error) {
        if (stopping.signal.aborted) break;
        failures += 1;
        const retryInMs = Math.round(jitteredDelay(failures, receiveBackoff));
        logger.error({ err: error, retryInMs }, 'receiving from the queue failed');
        await sleep(retryInMs, stopping.signal);
        continue;
      }
      await Promise.all(
        messages.map((message) =>
          traced(message).catch((error) =>
            logger.error({ err: error, messageId: message.MessageId }, 'settling a message failed'),
          ),
        ),
      );
    }
  }

  return {
    start() {
      loop ??= run();
      return loop;
    },
    async stop() {
      stopping.abort();
      await loop;
    },
    get running() {
      return loop !== undefined && !stopping.signal.aborted;
    },
  };
}
