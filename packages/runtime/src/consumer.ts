/**
 * Consuming forum events from a service's own SQS queue. A small loop rather than a library:
 * long-poll, validate each event against its catalogue schema, run its handler, delete it.
 *
 * - A malformed event (bad JSON, unknown type, payload off-schema) can never succeed: it is made
 *   visible again at once, so it reaches maxReceiveCount quickly and the redrive policy moves it
 *   to the dead-letter queue. The loop goes on with the next message.
 * - A handler that throws (a transient failure) is retried after a growing delay, and also ends in
 *   the DLQ if it keeps failing.
 * - Handlers must be idempotent: SQS delivers at least once.
 * - `stop()` aborts the long poll and waits for the handlers in flight (for SIGTERM).
 */

import { type EventPayload, type EventType, eventSchemas } from '@agora/catalogue';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { Value } from 'typebox/value';

export type EventHandlers = { [T in EventType]?: (payload: EventPayload<T>) => Promise<void> };

export interface EventConsumerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly handlers: EventHandlers;
  readonly logger: Logger;
  /** long-poll wait (≤ 20 s) */
  readonly waitTimeSeconds?: number;
  /** visibility delay before a failed handler is retried, by receive count */
  readonly retryDelaySeconds?: (receiveCount: number) => number;
}

export interface EventConsumer {
  start(): void;
  stop(): Promise<void>;
  /** events handled successfully since start (for tests and logs) */
  readonly handled: number;
}

export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
}

/** Parses and validates an SNS raw-delivered forum event; throws MalformedEventError. */
export function parseEvent(body: string | undefined): { type: EventType; payload: Record<string, unknown> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    throw new MalformedEventError('the body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedEventError('the body is not an object');
  }
  const { type, ...payload } = parsed as Record<string, unknown>;
  if (typeof type !== 'string' || !(type in eventSchemas)) {
    throw new MalformedEventError(`unknown event type ${JSON.stringify(type)}`);
  }
  if (!Value.Check(eventSchemas[type as EventType], payload)) {
    throw new MalformedEventError(`the ${type} payload does not match its schema`);
  }
  return { type: type as EventType, payload };
}

const defaultRetryDelay = (receiveCount: number) => Math.min(2 ** receiveCount, 60);

export function createEventConsumer(options: EventConsumerOptions): EventConsumer {
  const { sqs, queueUrl, handlers, logger } = options;
  const retryDelay = options.retryDelaySeconds ?? defaultRetryDelay;
  let running = false;
  let abort: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let handled = 0;

  async function handle(message: Message): Promise<void> {
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
    const log = logger.child({ messageId: message.MessageId, receiveCount });
    try {
      const { type, payload } = parseEvent(message.Body);
      const handler = handlers[type] as ((payload: unknown) => Promise<void>) | undefined;
      if (handler) await handler(payload);
      else log.warn({ type }, 'no handler for this event type: dropped');
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      handled += 1;
      log.debug({ type }, 'event handled');
    } catch (error) {
      const malformed = error instanceof MalformedEventError;
      const delay = malformed ? 0 : retryDelay(receiveCount);
      log.warn(
        { err: error, malformed, retryInSeconds: delay },
        'event not handled: it will be retried or dead-lettered',
      );
      await sqs
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: delay,
          }),
        )
        .catch((visibilityError) => log.warn({ err: visibilityError }, 'could not reset visibility'));
    }
  }

  async function run(): Promise<void> {
    while (running) {
      abort = new AbortController();
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: options.waitTimeSeconds ?? 20,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: abort.signal },
        );
        await Promise.all(Messages.map(handle));
      } catch (error) {
        if (!running) break;
        logger.error({ err: error }, 'receiving events failed; retrying in 1 s');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
      logger.info({ queueUrl }, 'event consumer started');
    },
    async stop() {
      if (!running) return;
      running = false;
      abort?.abort();
      await loop;
      logger.info({ handled }, 'event consumer stopped');
    },
    get handled() {
      return handled;
    },
  };
}
