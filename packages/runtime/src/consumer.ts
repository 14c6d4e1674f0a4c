/**
 * Consuming forum events from a service's own SQS queue, on the shared receive loop
 * (queue-poller.ts): validate each event against its catalogue schema, run its handler, delete it.
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
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { Value } from 'typebox/value';
import { createQueuePoller, receiveCountOf, retryDelaySeconds, type Settlement } from './queue-poller.ts';
import { renameCurrentSpan } from './trace-context.ts';

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

/** 2, 4, 8 … seconds, at most a minute: transient failures of a forum event's handler. */
const defaultRetryDelay = (receiveCount: number) => retryDelaySeconds(receiveCount, 2, 60);

export function createEventConsumer(options: EventConsumerOptions): EventConsumer {
  const { handlers, logger } = options;
  let handled = 0;

  async function handle(message: Message): Promise<Settlement> {
    const log = logger.child({ messageId: message.MessageId, receiveCount: receiveCountOf(message) });
    let event: ReturnType<typeof parseEvent>;
    try {
      event = parseEvent(message.Body);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      log.warn({ err: error, malformed: true }, 'malformed event: it will be dead-lettered');
      return { retryAfterSeconds: 0 };
    }
    renameCurrentSpan(`process ${event.type}`);
    const handler = handlers[event.type] as ((payload: unknown) => Promise<void>) | undefined;
    if (handler) await handler(event.payload);
    else log.warn({ type: event.type }, 'no handler for this event type: dropped');
    handled += 1;
    log.debug({ type: event.type }, 'event handled');
    return 'done';
  }

  const poller = createQueuePoller({
    sqs: options.sqs,
    queueUrl: options.queueUrl,
    logger,
    handle,
    batchSize: 10,
    waitTimeSeconds: options.waitTimeSeconds ?? 20,
    retryDelaySeconds: options.retryDelaySeconds ?? defaultRetryDelay,
  });
  let loop: Promise<void> | undefined;

  return {
    start() {
      if (loop) return;
      loop = poller.start();
      logger.info({ queueUrl: options.queueUrl }, 'event consumer started');
    },
    async stop() {
      if (!loop) return;
      await poller.stop();
      logger.info({ handled }, 'event consumer stopped');
    },
    get handled() {
      return handled;
    },
  };
}
