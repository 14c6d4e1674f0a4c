/**
 * The stock relay: the one reader of the inventory table's stream. It follows every shard
 * (table-stream.ts), turns each change into the live feed's events (stock-feed.ts: counts, an
 * alert per zero crossing) and publishes them once on the stock-changes topic, from which every
 * inventory task's own queue receives them. It runs as exactly one task (the catalogue's
 * `singleTask`): DynamoDB Streams throttles beyond about two readers a shard, however many
 * inventory tasks there are.
 *
 * It keeps no checkpoint: a live view shows what happens from now on. So, once positioned at the
 * stream's end, it publishes `stock.resync` and the feeds' browsers reload what they show (which
 * covers anything that changed while no relay ran). A batch is handed on before the shard moves
 * past it; a failed publish reads the same records again, and the tasks skip a change they
 * already showed (by its sequence number).
 */

import type { Worker } from '@agora/runtime/run-worker';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Logger } from 'pino';
import { stockChangeMessages, stockChangesType, stockResyncType } from '../stock-feed.ts';
import { followTableStream, type TableChange, type TableStreamFollower } from '../table-stream.ts';

export interface StockRelayOptions {
  readonly dynamo: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly sns: SNSClient;
  readonly tableName: string;
  readonly topicArn: string;
  readonly logger: Logger;
  readonly pollMs?: number;
  readonly healthMaxSilenceMs?: number;
}

export interface StockRelay extends Worker {
  /** messages published since start (a resync included) */
  readonly published: number;
}

export function createStockRelay(options: StockRelayOptions): StockRelay {
  const { sns, topicArn, logger } = options;
  let follower: TableStreamFollower | undefined;
  let published = 0;
  let lastProgress = Date.now();
  let finished: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    finished = resolve;
  });

  async function publish(type: string, message: string): Promise<void> {
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: message,
        MessageAttributes: { type: { DataType: 'String', StringValue: type } },
      }),
    );
    published += 1;
  }

  async function relay(changes: TableChange[]): Promise<void> {
    for (const message of stockChangeMessages(changes)) await publish(stockChangesType, message);
  }

  return {
    get published() {
      return published;
    },
    async start() {
      follower = await followTableStream({
        dynamo: options.dynamo,
        streams: options.streams,
        tableName: options.tableName,
        logger,
        onChanges: relay,
        onRead: () => {
          lastProgress = Date.now();
        },
        ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      });
      await publish(stockResyncType, '{}');
      lastProgress = Date.now();
      logger.info({ table: options.tableName }, 'following the table stream; the feeds were told to reload');
      await stopped;
    },
    async stop() {
      await follower?.stop();
      finished();
    },
    health() {
      // An idle stream still answers each read: silence means the reads (or publishes) fail.
      return { healthy: Date.now() - lastProgress < (options.healthMaxSilenceMs ?? 90_000) };
    },
  };
}
