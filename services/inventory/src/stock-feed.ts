/**
 * The live feed's source. Every inventory process follows the inventory table's DynamoDB stream
 * by itself and turns each change into events for the browsers connected to it: a count that
 * changed, and an alert when a count crosses zero. On AWS there are several inventory
 * tasks behind the load balancer and the worker is another service; each task learns every
 * change from the table itself, so no state lives in one process only.
 *
 * The stream is followed only while someone listens: the first subscriber starts it, and it
 * stops a while after the last one leaves.
 */

import type { Logger } from 'pino';
import type { TableChange, TableStreamFollower } from './table-stream.ts';

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

export type FeedListener = (events: FeedEvent[]) => void;

export interface StockFeed {
  /** Resolves once the stream is followed (so nothing after this moment is missed). */
  subscribe(listener: FeedListener): Promise<() => void>;
  readonly listeners: number;
  close(): Promise<void>;
}

export interface StockFeedOptions {
  /** starts following the table's stream (followTableStream, bound to the table) */
  readonly follow: (onChanges: (changes: TableChange[]) => void) => Promise<TableStreamFollower>;
  readonly logger: Logger;
  /** how long the stream is still followed after the last listener left */
  readonly idleMs?: number;
}

export function createStockFeed(options: StockFeedOptions): StockFeed {
  const listeners = new Set<FeedListener>();
  let follower: Promise<TableStreamFollower> | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const dispatch = (changes: TableChange[]) => {
    const events = changes.flatMap(feedEventsFor);
    if (events.length === 0) return;
    for (const listener of listeners) {
      try {
        listener(events);
      } catch (error) {
        options.logger.warn({ err: error }, 'a feed listener failed');
      }
    }
  };

  const stopFollowing = async () => {
    const running = follower;
    follower = undefined;
    if (running) await (await running.catch(() => undefined))?.stop();
  };

  return {
    get listeners() {
      return listeners.size;
    },
    async subscribe(listener) {
      clearTimeout(idleTimer);
      if (!follower) {
        follower = options.follow(dispatch);
        follower.catch(() => {
          follower = undefined;
        });
      }
      await follower;
      listeners.add(listener);
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return;
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => void stopFollowing(), options.idleMs ?? 60_000);
        idleTimer.unref();
      };
    },
    async close() {
      clearTimeout(idleTimer);
      listeners.clear();
      await stopFollowing();
    },
  };
}
