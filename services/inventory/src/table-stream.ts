/**
 * Follows a DynamoDB table's stream from now on: every open shard, and the shards that replace
 * them when they split or roll over (read from their start, so nothing falls between two
 * shards). No lease and no checkpoint: its one caller, the stock relay (relay/), pushes what
 * happens from now on to the live feeds, and a restarted relay tells them to reload. Only the
 * first start waits; errors after that are logged and retried.
 */

import { sleep } from '@agora/runtime/backoff';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Logger } from 'pino';

export interface TableChange {
  readonly kind: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly newImage?: Record<string, unknown>;
  readonly oldImage?: Record<string, unknown>;
  readonly sequenceNumber: string;
}

export interface TableStreamOptions {
  readonly dynamo: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly tableName: string;
  /** awaited before the shard moves on: a rejection reads the same records again (after a backoff) */
  readonly onChanges: (changes: TableChange[]) => void | Promise<void>;
  readonly logger: Logger;
  /** pause between two reads of a shard that had nothing new */
  readonly pollMs?: number;
  /** after every round of reads that succeeded (a reader's proof of life, for its health check) */
  readonly onRead?: () => void;
  /** how often the list of shards is read again (DescribeStream is rate-limited on AWS) */
  readonly describeEveryMs?: number;
}

export interface TableStreamFollower {
  stop(): Promise<void>;
}

interface Shard {
  iterator: string | undefined;
  lastSequence?: string;
}

function toChange(record: StreamRecord): TableChange | undefined {
  const data = record.dynamodb;
  if (!record.eventName || !data?.SequenceNumber) return undefined;
  return {
    kind: record.eventName,
    ...(data.NewImage ? { newImage: unmarshall(data.NewImage as never) } : {}),
    ...(data.OldImage ? { oldImage: unmarshall(data.OldImage as never) } : {}),
    sequenceNumber: data.SequenceNumber,
  };
}

/** Starts following; resolves once every open shard is positioned at its latest record. */
export async function followTableStream(options: TableStreamOptions): Promise<TableStreamFollower> {
  const { streams, logger } = options;
  const pollMs = options.pollMs ?? 500;
  const describeEveryMs = options.describeEveryMs ?? 10_000;
  const table = await options.dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`The table ${options.tableName} has no stream`);

  const shards = new Map<string, Shard>();
  const finished = new Set<string>();

  async function iteratorFor(shardId: string, type: 'LATEST' | 'TRIM_HORIZON', after?: string) {
    const answer = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : type,
        ...(after ? { SequenceNumber: after } : {}),
      }),
    );
    return answer.ShardIterator;
  }

  /** Reads the shard list; known shards keep their place, new ones start at `start`. */
  async function discover(start: 'LATEST' | 'TRIM_HORIZON') {
    let exclusiveStart: string | undefined;
    do {
      const answer = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStart }),
      );
      for (const shard of answer.StreamDescription?.Shards ?? []) {
        const id = shard.ShardId;
        if (!id || shards.has(id) || finished.has(id)) continue;
        const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
        // At the first start, a closed shard holds only the past: not ours to replay.
        if (closed && start === 'LATEST') {
          finished.add(id);
          continue;
        }
        shards.set(id, { iterator: await iteratorFor(id, start) });
      }
      exclusiveStart = answer.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStart);
  }

  async function readShard(id: string, shard: Shard): Promise<boolean> {
    if (!shard.iterator) {
      shards.delete(id);
      finished.add(id);
      return false;
    }
    try {
      const answer = await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }));
      const changes = (answer.Records ?? []).map(toChange).filter((change) => change !== undefined);
      // Handed on before the shard moves past them: if that fails, the same records come again.
      if (changes.length > 0) {
        await options.onChanges(changes);
        shard.lastSequence = changes.at(-1)?.sequenceNumber;
      }
      shard.iterator = answer.NextShardIterator;
      return changes.length > 0;
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'ExpiredIteratorException') {
        shard.iterator = await iteratorFor(id, 'LATEST', shard.lastSequence);
        return true;
      }
      if (name === 'TrimmedDataAccessException') {
        shard.iterator = await iteratorFor(id, 'TRIM_HORIZON');
        return true;
      }
      throw error;
    }
  }

  await discover('LATEST');
  const abort = new AbortController();
  const loop = (async () => {
    let lastDescribe = Date.now();
    let failures = 0;
    while (!abort.signal.aborted) {
      try {
        let busy = false;
        for (const [id, shard] of [...shards]) busy = (await readShard(id, shard)) || busy;
        if (Date.now() - lastDescribe > describeEveryMs || shards.size === 0) {
          lastDescribe = Date.now();
          await discover('TRIM_HORIZON');
        }
        failures = 0;
        options.onRead?.();
        if (!busy) await sleep(pollMs, abort.signal);
      } catch (error) {
        failures += 1;
        logger.warn({ err: error, table: options.tableName }, 'reading the table stream failed: retrying');
        await sleep(Math.min(pollMs * 2 ** failures, 30_000), abort.signal);
      }
    }
  })();

  return {
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
