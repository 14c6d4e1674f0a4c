/**
 * What the live feed carries, from the table to the browsers. One reader, the stock relay
 * (relay/), follows the inventory table's stream and turns each change into feed events (a count
 * that changed, an alert when a count crosses zero), published once on the stock-changes topic;
 * every inventory task receives them on its own queue (@agora/runtime/live-fanout) and pushes
 * them to the browsers connected to it. DynamoDB Streams throttles beyond about two readers a
 * shard, so the tasks never read the stream themselves, however many run.
 *
 * A stock-changes message (`type` attribute `stock.changes`) is `{ changes: [{ sequence, events }] }`:
 * each change keeps its stream sequence number, so a task shows a change once even when SNS
 * delivers a message twice or the relay publishes a batch again after a failure. `stock.resync`
 * (a relay that starts) means changes may have been missed: the feeds' browsers reload.
 */

import { stockChangeTypes } from '@agora/catalogue';
import {
  createTaskLiveFeed,
  type LiveFeed,
  type LiveMessage,
  type TaskLiveFeedOptions,
} from '@agora/runtime/live-fanout';
import type { TableChange } from './table-stream.ts';

export interface StockChangeEvent {
  readonly type: 'stock';
  readonly store: string;
  readonly item: string;
  readonly count: number;
  /** the count before this change (absent for a new item) */
  readonly previousCount?: number;
  readonly updatedAt?: string;
  readonly uploadId?: string;
}

export interface StockAlertEvent {
  readonly type: 'alert';
  readonly kind: 'out-of-stock' | 'back-in-stock';
  readonly store: string;
  readonly item: string;
  readonly count: number;
  readonly uploadId: string;
  readonly at: string;
}

export type FeedEvent = StockChangeEvent | StockAlertEvent;

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const number = (value: unknown) => (typeof value === 'number' ? value : undefined);

/** The alert a change of count makes: the worker's rule (an item already at zero gets none). */
export function transition(before: number | undefined, after: number): StockAlertEvent['kind'] | undefined {
  if (after === 0 && (before === undefined || before > 0)) return 'out-of-stock';
  if (after > 0 && before === 0) return 'back-in-stock';
  return undefined;
}

/**
 * What one change of the table means to a dashboard. Alerts come from the counts themselves,
 * with the worker's rule: a file delivered twice, or rerun after a crash, writes the same counts
 * again, which crosses no zero, so the page shows each alert once, as SNS carries it once.
 */
export function feedEventsFor(change: TableChange): FeedEvent[] {
  const now = change.newImage;
  if (!now) return [];
  const store = text(now.store);
  const item = text(now.item);
  const count = number(now.count);
  if (store === undefined || item === undefined || count === undefined) return [];
  const previousCount = number(change.oldImage?.count);
  if (previousCount === count) return [];
  const uploadId = text(now.uploadId);
  const events: FeedEvent[] = [
    {
      type: 'stock',
      store,
      item,
      count,
      ...(previousCount === undefined ? {} : { previousCount }),
      ...(text(now.updatedAt) ? { updatedAt: text(now.updatedAt) } : {}),
      ...(uploadId ? { uploadId } : {}),
    },
  ];
  const kind = transition(previousCount, count);
  if (kind) {
    events.push({ type: 'alert', kind, store, item, count, uploadId: uploadId ?? '', at: new Date().toISOString() });
  }
  return events;
}

export const [stockChangesType, stockResyncType] = stockChangeTypes;

/** One change of the table, as the feed shows it, with its place in the stream. */
export interface StockChange {
  readonly sequence: string;
  readonly events: readonly FeedEvent[];
}

/** SNS takes 256 KiB a message; a batch stays well below, attributes and all. */
export const maxMessageBytes = 200 * 1024;

/** The changes that mean something to a dashboard, packed into as few messages as fit. */
export function stockChangeMessages(changes: readonly TableChange[]): string[] {
  const messages: string[] = [];
  const budget = maxMessageBytes - '{"changes":[]}'.length;
  let batch: string[] = [];
  let bytes = 0;
  for (const change of changes) {
    const events = feedEventsFor(change);
    if (events.length === 0) continue;
    const entry = JSON.stringify({ sequence: change.sequenceNumber, events } satisfies StockChange);
    const size = Buffer.byteLength(entry);
    if (batch.length > 0 && bytes + size > budget) {
      messages.push(`{"changes":[${batch.join(',')}]}`);
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size + 1;
  }
  if (batch.length > 0) messages.push(`{"changes":[${batch.join(',')}]}`);
  return messages;
}

/** Remembers the last `capacity` sequence numbers seen (a change delivered again is skipped). */
function recentlySeen(capacity: number) {
  const seen = new Set<string>();
  return (sequence: string): boolean => {
    if (seen.has(sequence)) return true;
    seen.add(sequence);
    if (seen.size > capacity) seen.delete(seen.values().next().value as string);
    return false;
  };
}

/** A task's decoder: each change's events once, `reset` on the relay's restart. */
export function stockFeedDecoder(capacity = 50_000): (message: LiveMessage) => readonly FeedEvent[] | 'reset' {
  const seen = recentlySeen(capacity);
  return (message) => {
    if (message.type === stockResyncType) return 'reset';
    if (message.type !== stockChangesType) throw new Error(`not a stock-changes message: ${message.type}`);
    const { changes } = JSON.parse(message.body) as { changes: StockChange[] };
    if (!Array.isArray(changes)) throw new Error('a stock-changes message without changes');
    return changes.flatMap((change) => (seen(String(change.sequence)) ? [] : change.events));
  };
}

export type StockFeed = LiveFeed<FeedEvent>;

/** This task's live feed: its own queue on the stock-changes topic (the catalogue's inventoryLiveQueues). */
export function createStockFeed(options: TaskLiveFeedOptions): StockFeed {
  return createTaskLiveFeed('inventoryLiveQueues', options, stockFeedDecoder());
}
