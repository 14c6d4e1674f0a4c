/**
 * One message, every task: the fan-out behind Agora's live feeds (SNS topic → one SQS queue per
 * task). Each task of a service creates its own queue at start, `<queuePrefix>-<random>`, lets
 * only the topic send to it (queue policy), subscribes it with raw delivery and a filter policy,
 * long-polls it and hands each message to `onMessage`; on SIGTERM it unsubscribes and deletes it.
 *
 * A task that is killed (SIGKILL, a lost host) leaves its queue behind. So every queue carries a
 * heartbeat tag the task refreshes every `heartbeatSeconds`, and each task, at start and every
 * few heartbeats, sweeps its kind's queues (sweepStaleQueues): one whose heartbeat is older than
 * `staleAfterSeconds` is deleted and unsubscribed (sweeping twice is harmless). A task that finds its own queue or
 * subscription gone (it was paused longer than that) makes them again and calls `onGap`: the
 * messages in between are lost, and whoever shows them must reload.
 */

import { randomUUID } from 'node:crypto';
import { type taskQueues, taskQueuesDefinition } from '@agora/catalogue';
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  type SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  type Message,
  SetQueueAttributesCommand,
  type SQSClient,
  TagQueueCommand,
} from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { sleep } from './backoff.ts';
import { problems } from './problem.ts';
import { createQueuePoller, type QueuePoller } from './queue-poller.ts';

/** The tag that says when a queue's task last showed it is alive (epoch milliseconds). */
export const heartbeatTag = 'agora-heartbeat';
/** The tag that names the task owning a queue (its host name and process id, for operators). */
export const ownerTag = 'agora-owner';

export interface LiveMessage {
  readonly body: string;
  /** the `type` message attribute */
  readonly type: string | undefined;
}

export interface LiveFanoutOptions {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly logger: Logger;
  readonly topicArn: string;
  /** `${prefix}-${taskQueues.name}`: this task's queue is `<queuePrefix>-<random>` */
  readonly queuePrefix: string;
  readonly filterPolicy: { readonly [attribute: string]: readonly string[] };
  readonly onMessage: (message: LiveMessage) => void;
  /** messages may have been missed (the queue or its subscription had to be made again) */
  readonly onGap?: () => void;
  readonly retentionSeconds: number;
  readonly heartbeatSeconds: number;
  readonly staleAfterSeconds: number;
  /** long-poll wait (≤ 20 s) */
  readonly waitTimeSeconds?: number;
  /** who owns the queue (default: host name and process id) */
  readonly owner?: string;
}

export interface LiveFanout {
  /** Makes the queue and subscription (retrying until it can), then polls. Resolves once subscribed. */
  start(): Promise<void>;
  /** Resolves once the queue is subscribed: what this task receives from then on reaches its listeners. */
  readonly ready: Promise<void>;
  readonly subscribed: boolean;
  /** Stops polling, unsubscribes and deletes the queue. */
  stop(): Promise<void>;
  readonly queueUrl: string | undefined;
}

interface OwnQueue {
  readonly url: string;
  readonly arn: string;
  subscriptionArn: string;
}

const errorName = (error: unknown) => (error as { name?: string }).name ?? '';
const queueGone = (error: unknown) =>
  ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'].includes(errorName(error));

async function queueArnOf(sqs: SQSClient, url: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`The queue ${url} has no ARN`);
  return arn;
}

export function createLiveFanout(options: LiveFanoutOptions): LiveFanout {
  const { sqs, sns, logger, topicArn, queuePrefix } = options;
  const owner = options.owner ?? `${process.env.HOSTNAME ?? 'local'}/${process.pid}`;
  const stopping = new AbortController();
  let queue: OwnQueue | undefined;
  let poller: QueuePoller | undefined;
  let running: Promise<void> | undefined;
  let subscribed = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  async function makeQueue(): Promise<OwnQueue> {
    const name = `${queuePrefix}-${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          MessageRetentionPeriod: String(options.retentionSeconds),
          ReceiveMessageWaitTimeSeconds: String(options.waitTimeSeconds ?? 20),
          SqsManagedSseEnabled: 'true',
        },
        tags: { [heartbeatTag]: String(Date.now()), [ownerTag]: owner },
      }),
    );
    if (!QueueUrl) throw new Error(`CreateQueue gave no URL for ${name}`);
    const arn = await queueArnOf(sqs, QueueUrl);
    // Only the topic may send to the queue (SNS needs the grant; nothing else gets one).
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl,
        Attributes: {
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'sns.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Resource: arn,
                Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
              },
              {
                Effect: 'Deny',
                Principal: '*',
                Action: 'sqs:*',
                Resource: arn,
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          }),
        },
      }),
    );
    const subscriptionArn = await subscribe(arn);
    return { url: QueueUrl, arn, subscriptionArn };
  }

  async function subscribe(queueArn: string): Promise<string> {
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        ReturnSubscriptionArn: true,
        Attributes: {
          RawMessageDelivery: 'true',
          FilterPolicyScope: 'MessageAttributes',
          FilterPolicy: JSON.stringify(options.filterPolicy),
        },
      }),
    );
    if (!SubscriptionArn) throw new Error(`Subscribe gave no ARN for ${queueArn}`);
    return SubscriptionArn;
  }

  /** Tears a queue down: unsubscribed first, so SNS stops sending to it. */
  async function removeQueue(gone: OwnQueue): Promise<void> {
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: gone.subscriptionArn })).catch((error) => {
      if (errorName(error) !== 'NotFound') throw error;
    });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: gone.url })).catch((error) => {
      if (!queueGone(error)) throw error;
    });
  }

  function startPolling(own: OwnQueue): void {
    poller = createQueuePoller({
      sqs,
      queueUrl: own.url,
      logger,
      batchSize: 10,
      waitTimeSeconds: options.waitTimeSeconds ?? 20,
      messageAttributeNames: ['type'],
      // A live message that fails to be shown is not worth showing late.
      retryDelaySeconds: () => 0,
      handle: async (message: Message) => {
        options.onMessage({ body: message.Body ?? '', type: message.MessageAttributes?.type?.StringValue });
        return 'done';
      },
    });
    void poller.start();
  }

  /** Shows the task is alive; makes its queue or subscription again if a sweeper took them. */
  async function heartbeat(own: OwnQueue): Promise<void> {
    try {
      await sqs.send(new TagQueueCommand({ QueueUrl: own.url, Tags: { [heartbeatTag]: String(Date.now()) } }));
    } catch (error) {
      if (!queueGone(error)) throw error;
      logger.warn({ queue: own.url }, 'this task’s live queue was swept: making a new one');
      await poller?.stop();
      await removeQueue(own).catch(() => {});
      queue = await makeQueue();
      startPolling(queue);
      options.onGap?.();
      return;
    }
    try {
      await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: own.subscriptionArn }));
    } catch (error) {
      if (errorName(error) !== 'NotFound') throw error;
      logger.warn({ queue: own.url }, 'this task’s live subscription was removed: subscribing again');
      own.subscriptionArn = await subscribe(own.arn);
      options.onGap?.();
    }
  }

  async function sweep(): Promise<void> {
    const swept = await sweepStaleQueues({
      sqs,
      sns,
      topicArn,
      queuePrefix,
      staleAfterMs: options.staleAfterSeconds * 1000,
      ...(queue ? { keep: queue.url } : {}),
    });
    if (swept.length > 0) logger.info({ swept }, 'deleted the live queues of tasks that are gone');
    else logger.debug('swept the live queues: none stale');
  }

  async function run(): Promise<void> {
    for (let failures = 0; !stopping.signal.aborted && !queue; failures++) {
      try {
        queue = await makeQueue();
      } catch (error) {
        logger.error({ err: error }, 'could not make this task’s live queue: retrying');
        await sleep(Math.min(30_000, 500 * 2 ** failures), stopping.signal);
      }
    }
    if (!queue || stopping.signal.aborted) return;
    startPolling(queue);
    subscribed = true;
    markReady();
    logger.info({ queue: queue.url }, 'live queue subscribed');
    const sweepEvery = Math.max(1, Math.round(options.staleAfterSeconds / options.heartbeatSeconds / 2));
    for (let beat = 0; !stopping.signal.aborted; beat++) {
      try {
        if (beat % sweepEvery === 0) await sweep();
      } catch (error) {
        logger.warn({ err: error }, 'sweeping stale live queues failed: trying again later');
      }
      await sleep(options.heartbeatSeconds * 1000, stopping.signal);
      if (stopping.signal.aborted || !queue) break;
      try {
        await heartbeat(queue);
      } catch (error) {
        logger.warn({ err: error }, 'the live queue heartbeat failed: trying again');
      }
    }
  }

  return {
    ready,
    get subscribed() {
      return subscribed;
    },
    get queueUrl() {
      return queue?.url;
    },
    start() {
      running ??= run();
      return ready;
    },
    async stop() {
      stopping.abort();
      await running;
      await poller?.stop();
      subscribed = false;
      const own = queue;
      queue = undefined;
      if (!own) return;
      try {
        await removeQueue(own);
        logger.info({ queue: own.url }, 'live queue deleted');
      } catch (error) {
        logger.warn({ err: error, queue: own.url }, 'could not delete the live queue: the next sweep will');
      }
    },
  };
}

export interface SweepOptions {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly queuePrefix: string;
  readonly staleAfterMs: number;
  /** a queue never swept (the caller's own) */
  readonly keep?: string;
  readonly now?: number;
}

/**
 * Finds the queues of `queuePrefix` through the topic's subscriptions (a task subscribes its
 * queue right after making it, so every queue a task ever used is there, and no permission
 * wider than the prefix and the topic is needed). A queue whose heartbeat is older than
 * `staleAfterMs` is deleted, then unsubscribed; a subscription whose queue is gone (its sweeper
 * stopped halfway) is unsubscribed. Returns the URLs of the queues it deleted.
 *
 * A task killed in the moment between making its queue and subscribing it leaves a queue no
 * subscription names: SQS itself deletes a queue nobody used for 30 days.
 */
export async function sweepStaleQueues(options: SweepOptions): Promise<string[]> {
  const { sqs, sns, topicArn, queuePrefix } = options;
  const now = options.now ?? Date.now();
  // Listed whole first: unsubscribing while paging would shift the pages and skip some.
  const candidates: { queueName: string; subscriptionArn: string }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: nextToken }));
    for (const subscription of page.Subscriptions ?? []) {
      const queueName = (subscription.Endpoint ?? '').split(':').at(-1) ?? '';
      if (subscription.Protocol === 'sqs' && queueName.startsWith(`${queuePrefix}-`) && subscription.SubscriptionArn) {
        candidates.push({ queueName, subscriptionArn: subscription.SubscriptionArn });
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);

  const deleted: string[] = [];
  for (const { queueName, subscriptionArn } of candidates) {
    const url = await queueUrlOf(sqs, queueName);
    if (url !== undefined && url === options.keep) continue;
    if (url) {
      const beat = await heartbeatOf(sqs, url);
      // A queue without a heartbeat was not made by a task: leave it to whoever made it.
      if (beat === undefined || now - beat <= options.staleAfterMs) continue;
      try {
        await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
        deleted.push(url);
      } catch (error) {
        if (!queueGone(error)) throw error;
      }
    }
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn })).catch((error) => {
      if (errorName(error) !== 'NotFound') throw error;
    });
  }
  return deleted;
}

async function queueUrlOf(sqs: SQSClient, queueName: string): Promise<string | undefined> {
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl;
  } catch (error) {
    if (queueGone(error)) return undefined;
    throw error;
  }
}

async function heartbeatOf(sqs: SQSClient, url: string): Promise<number | undefined> {
  try {
    const { Tags = {} } = await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }));
    const beat = Number(Tags[heartbeatTag]);
    return Number.isFinite(beat) && Tags[heartbeatTag] !== undefined ? beat : undefined;
  } catch (error) {
    if (queueGone(error)) return undefined;
    throw error;
  }
}

/** Someone the live feed's items are pushed to (an open event stream). */
export interface LiveListener<T> {
  receive(items: readonly T[]): void;
  /** items may have been missed: show everything afresh (an event stream ends, and its browser reconnects) */
  reset(): void;
}

export interface LiveFeedOptions<T> extends Omit<LiveFanoutOptions, 'onMessage' | 'onGap'> {
  /** what a message means to the listeners: items, `reset`, or nothing (logged and dropped) */
  readonly decode: (message: LiveMessage) => readonly T[] | 'reset';
  /** how long a new listener waits for the queue to be subscribed before it is turned away (503) */
  readonly readyTimeoutMs?: number;
}

/**
 * A task's live feed: its own queue (createLiveFanout), each message decoded and pushed to every
 * listener on this task. Started and stopped as the service's consumers are (runService).
 */
export interface LiveFeed<T> {
  /** Resolves once the queue is subscribed (nothing after it is missed); 503 if that takes too long. */
  subscribe(listener: LiveListener<T>): Promise<() => void>;
  readonly listeners: number;
  /** messages received since start */
  readonly handled: number;
  readonly queueUrl: string | undefined;
  start(): void;
  stop(): Promise<void>;
}

export function createLiveFeed<T>(options: LiveFeedOptions<T>): LiveFeed<T> {
  const listeners = new Set<LiveListener<T>>();
  let handled = 0;
  const each = (call: (listener: LiveListener<T>) => void) => {
    for (const listener of [...listeners]) {
      try {
        call(listener);
      } catch (error) {
        options.logger.warn({ err: error }, 'a live feed listener failed');
      }
    }
  };
  const fanout = createLiveFanout({
    ...options,
    onGap: () => each((listener) => listener.reset()),
    onMessage: (message) => {
      handled += 1;
      let items: readonly T[] | 'reset';
      try {
        items = options.decode(message);
      } catch (error) {
        options.logger.warn({ err: error, type: message.type }, 'a live message that means nothing: dropped');
        return;
      }
      if (items === 'reset') each((listener) => listener.reset());
      else if (items.length > 0) each((listener) => listener.receive(items));
    },
  });
  return {
    get listeners() {
      return listeners.size;
    },
    get handled() {
      return handled;
    },
    get queueUrl() {
      return fanout.queueUrl;
    },
    start() {
      void fanout.start();
    },
    stop: () => fanout.stop(),
    async subscribe(listener) {
      if (!fanout.subscribed) {
        const timeoutMs = options.readyTimeoutMs ?? 5_000;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
        });
        const outcome = await Promise.race([fanout.ready, timedOut]);
        clearTimeout(timer);
        if (outcome === 'timeout') throw problems.unavailable('The live feed is starting: retry shortly', 2);
      }
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** What a service gives its task's live feed: its clients, and its topic and queue prefix from config. */
export interface TaskLiveFeedOptions {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly logger: Logger;
  /** the topic the catalogue's task queues subscribe to (its environment variable) */
  readonly topicArn: string;
  /** the task queues' prefix (their environment variable, e.g. TOPICS_LIVE_QUEUE_PREFIX) */
  readonly queuePrefix: string;
  /** tests' overrides of the catalogue's timings */
  readonly waitTimeSeconds?: number;
  readonly heartbeatSeconds?: number;
  readonly staleAfterSeconds?: number;
}

/**
 * A task's live feed on the catalogue's task queues `id`: their filter policy, retention and
 * heartbeat, each message turned into listeners' items by `decode`.
 */
export function createTaskLiveFeed<T>(
  id: (typeof taskQueues)[number]['id'],
  options: TaskLiveFeedOptions,
  decode: LiveFeedOptions<T>['decode'],
): LiveFeed<T> {
  const definition = taskQueuesDefinition(id);
  return createLiveFeed({
    sqs: options.sqs,
    sns: options.sns,
    logger: options.logger.child({ consumer: definition.name }),
    topicArn: options.topicArn,
    queuePrefix: options.queuePrefix,
    filterPolicy: definition.filterPolicy,
    retentionSeconds: definition.retentionSeconds,
    heartbeatSeconds: options.heartbeatSeconds ?? definition.heartbeatSeconds,
    staleAfterSeconds: options.staleAfterSeconds ?? definition.staleAfterSeconds,
    ...(options.waitTimeSeconds !== undefined ? { waitTimeSeconds: options.waitTimeSeconds } : {}),
    decode,
  });
}
