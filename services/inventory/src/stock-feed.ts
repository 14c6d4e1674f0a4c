/**
 * The live feed's source. Every inventory process follows the inventory table's DynamoDB stream
 * by itself and turns each change into events for the browsers connected to it: a count that
 * changed, and an alert when the worker records one as sent. On AWS there are several inventory
 * tasks behind the load balancer and the worker is another service; each task learns every
 * change from the table itself, so no state lives in one process only.
 *
 * The stream is followed only while someone listens: the first subscriber starts it, and it
 * stops a while after the last one leaves.
 */
import type { TableChange, TableStreamFollower } from '@agora/platform';
import type { Logger } from 'pino';

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

/**
 * What one change of the table means to a dashboard. The worker marks an item `alertedBy` its
 * upload once that upload's alert is published on SNS (and never twice), so an alert here is
 * exactly an alert there, redeliveries and crashes included.
 */
export function feedEventsFor(change: TableChange): FeedEvent[] {
  const now = change.newImage;
  if (!now) return [];
  const store = text(now.store);
  const item = text(now.item);
  const count = number(now.count);
  if (store === undefined || item === undefined || count === undefined) return [];
  const before = change.oldImage;
  const events: FeedEvent[] = [];
  const previousCount = number(before?.count);
  if (previousCount !== count) {
    events.push({
      type: 'stock',
      store,
      item,
      count,
      ...(previousCount === undefined ? {} : { previousCount }),
      ...(text(now.updatedAt) ? { updatedAt: text(now.updatedAt) } : {}),
      ...(text(now.uploadId) ? { uploadId: text(now.uploadId) } : {}),
    });
  }
  const alertedBy = text(now.alertedBy);
  if (alertedBy && alertedBy !== text(before?.alertedBy)) {
    events.push({
      type: 'alert',
      kind: count === 0 ? 'out-of-stock' : 'back-in-stock',
      store,
      item,
      count,
      uploadId: alertedBy,
      at: new Date().toISOString(),
    });
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
