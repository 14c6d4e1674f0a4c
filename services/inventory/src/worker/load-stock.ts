/**
 * Applies a file's rows to the inventory in chunks of up to 100 distinct items: BatchWriteItems
 * of 25 for the rows, then the chunk's alerts, while the next chunk is read and prepared. No item
 * is read row by row, and no store's items are listed: a transition needs only each row's current
 * count, which the chunk's BatchGetItem (below) returns with the upload that set it.
 *
 * - count 0, item not at zero (absent or above) → out-of-stock; count > 0, item at zero (set by
 *   another upload) → back-in-stock; anything else → no alert (an item already at zero gets none).
 * - A write that makes a transition carries `pendingAlert` (the upload id), the alert's kind and
 *   `alertRow` (where in the file its chunk ends) in the same BatchWriteItem. Nothing is written
 *   per alert once it is published: the upload's checkpoint, written after every chunk that
 *   published alerts (one write per chunk, not one per alert), says that every alert up to its
 *   row went out. A mark stays on its item until the item's next write replaces it.
 *
 * Unchanged rows cost no write: each chunk first reads its items' current counts (one
 * BatchGetItem per 100 keys, projected to count and last writer; eventually consistent, at a fifth
 * of a write's price per unit and half a unit per item under 4 KB, a tenth of the writes it can
 * save) and writes only the rows whose count differs. A store with no items when the upload began
 * (its first file) is not read at all. A key this load may have written already (written-keys.ts)
 * is read strongly consistently, once the chunk that wrote it has finished, so its read shows that
 * write. An unchanged row makes no transition, so skipping it changes no alert; its item keeps the
 * upload id and time of the upload that last changed its count.
 *
 * Why a second run of the same file (a duplicate event, or a redelivery after the worker was
 * killed halfway) ends exactly like one clean run:
 * - a rerun first publishes the alerts its earlier attempts wrote past the checkpoint (the sparse
 *   pending-alerts index names this upload's marks; those up to the checkpoint's row went out),
 *   so none is lost;
 * - rows the earlier attempts applied past the checkpoint make no alert again: one that made a
 *   transition left its mark (the pending alerts just read: a row asking for the marked count is
 *   already applied, no write); any other made no alert, and writing it again makes none;
 * - rows they did not reach are judged against the state before the file, as in a clean run;
 * - a rerun that knows how far an earlier attempt committed (`resumeAfter`, every chunk up to it
 *   written and its alerts published) reads those rows only to count them, and writes from there.
 * The one window left, a crash between publishing a chunk's alerts and writing the checkpoint
 * that follows at once, republishes those alerts (at most two chunks' worth: two chunks are in
 * flight) with the same `alertId` (consumers can drop them). Repeated (store, item) rows:
 * within a chunk the last one wins; across chunks each is applied in file order.
 */
import type { InventoryRepo, StoredStockItem } from '../inventory-repo.ts';
import { stockKey } from '../inventory-repo.ts';
import type { Checkpoint, RejectedLine, UploadResult } from '../uploads-repo.ts';
import { type AlertPublisher, alertBatchLimit, type StockAlert } from './stock-alerts.ts';
import type { StockRecord, StockRow } from './stock-csv.ts';
import { writtenKeys } from './written-keys.ts';

export const keptRejections = 100;
const chunkSize = 100;
const maxStoresTracked = 10_000;
/** stores without items a checkpoint remembers (it must stay well inside DynamoDB's 400 KB item) */
const maxStoresRemembered = 1000;
/** PublishBatch requests (of 10 alerts) in flight at once */
const alertBatchesInFlight = 4;

export interface LoadDependencies {
  readonly inventory: InventoryRepo;
  readonly alerts: AlertPublisher;
  readonly now?: () => Date;
}

export interface LoadOptions {
  readonly signal?: AbortSignal | undefined;
  /** an earlier attempt at this upload may have left alerts unpublished */
  readonly resume?: boolean;
  /** called every `progressEvery` rows read, with the count so far */
  readonly onProgress?: (rowsRead: number) => void;
  /** where an earlier attempt's committed work ends: its rows are read (to count) but not written */
  readonly resumeAfter?: Checkpoint | undefined;
  /**
   * called after each chunk whose writes and alerts, and all before it, are committed, in file
   * order, before the next chunk's commit (a checkpoint written here ends the chunk's window)
   */
  readonly onCommitted?: (committed: Checkpoint) => Promise<void> | void;
}

const progressEvery = 5000;

export interface LoadOutcome extends UploadResult {
  /** every distinct store in the file (up to 10,000) */
  readonly stores: readonly string[];
  readonly alertsSent: number;
  readonly writeRequests: number;
  /** rows whose count was already the stored one: read, not written */
  readonly rowsUnchanged: number;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

function repeatsAny(chunk: ReadonlyMap<string, StockRow>, inFlight: ReadonlyMap<string, StockRow>): boolean {
  for (const key of chunk.keys()) if (inFlight.has(key)) return true;
  return false;
}

function toAlert(item: StoredStockItem): StockAlert {
  return {
    kind: item.alertKind ?? (item.count === 0 ? 'out-of-stock' : 'back-in-stock'),
    store: item.store,
    item: item.item,
    count: item.count,
    previousCount: item.previousCount,
    uploadId: item.uploadId,
  };
}

export async function loadStock(
  deps: LoadDependencies,
  uploadId: string,
  records: AsyncIterable<StockRecord>,
  options: LoadOptions = {},
): Promise<LoadOutcome> {
  const { inventory } = deps;
  const now = deps.now ?? (() => new Date());
  /** the next chunk's rows by stockKey (each key computed once per row) */
  let pending = new Map<string, StockRow>();
  const rejectedRows: RejectedLine[] = [];
  const stores = new Set<string>();
  let rowsAccepted = 0;
  let rowsRejected = 0;
  const skipRows = options.resumeAfter?.rows ?? 0;
  /** alerts published by committed chunks (and this attempt's republishing of pending ones) */
  let alertsSent = options.resumeAfter?.alertsSent ?? 0;
  let writeRequests = 0;
  let rowsUnchanged = 0;
  const written = writtenKeys();
  // Whether each store had items when this upload began; a rerun inherits the stores its earlier
  // attempts found empty (their rows past the checkpoint are written again, unread).
  const storesWithItems = new Map<string, boolean>(
    (options.resumeAfter?.storesWithoutItems ?? []).map((store) => [store, false]),
  );
  const storesWithoutItems = new Set(options.resumeAfter?.storesWithoutItems);
  /** a rerun's marks past the checkpoint, by stockKey: the transitions earlier attempts applied */
  const resumed = new Map<string, StoredStockItem>();
  let inFlight: { readonly done: Promise<void>; readonly keys: ReadonlyMap<string, StockRow> } | undefined;

  /** Alerts in batches of 10 (one PublishBatch each), a few batches at once. */
  async function publish(alerts: readonly StockAlert[]): Promise<void> {
    const batches: StockAlert[][] = [];
    for (let at = 0; at < alerts.length; at += alertBatchLimit) batches.push(alerts.slice(at, at + alertBatchLimit));
    for (let at = 0; at < batches.length; at += alertBatchesInFlight) {
      await Promise.all(batches.slice(at, at + alertBatchesInFlight).map((batch) => deps.alerts.publish(batch)));
    }
  }

  /**
   * The stored counts of the rows' items, by stockKey: rows this load may have written strongly
   * consistently; the others eventually consistently, unless their store had no item.
   */
  async function storedCounts(chunk: ReadonlyMap<string, StockRow>) {
    const eventually: StockRow[] = [];
    const consistently: StockRow[] = [];
    for (const [key, row] of chunk) {
      if (written.mayHave(key)) {
        consistently.push(row);
        continue;
      }
      let hasItems = storesWithItems.get(row.store);
      if (hasItems === undefined) {
        hasItems = await inventory.hasItems(row.store);
        storesWithItems.set(row.store, hasItems);
        if (!hasItems && storesWithoutItems.size < maxStoresRemembered) storesWithoutItems.add(row.store);
      }
      if (hasItems) eventually.push(row);
    }
    const [eventual, consistent] = await Promise.all([
      eventually.length > 0 ? inventory.currentCounts(eventually) : new Map(),
      consistently.length > 0 ? inventory.currentCounts(consistently, { consistent: true }) : new Map(),
    ]);
    for (const [key, count] of consistent) eventual.set(key, count);
    return eventual;
  }

  async function flush(): Promise<void> {
    if (pending.size === 0) return;
    options.signal?.throwIfAborted();
    const rowsRead = rowsAccepted + rowsRejected;
    const chunk = pending;
    pending = new Map();
    // Two chunks in flight at most; a chunk that repeats an item of the one in flight waits for
    // it, so the last row of a (store, item) is also the last written, and its read shows the write.
    const previous = inFlight;
    if (previous && repeatsAny(chunk, previous.keys)) await previous.done;
    const updatedAt = now().toISOString();
    const writes: StoredStockItem[] = [];
    const alerts: StockAlert[] = [];
    const stored = await storedCounts(chunk);
    for (const [key, row] of chunk) {
      if (resumed.get(key)?.count === row.count) continue; // applied by an earlier attempt
      const current = stored.get(key);
      if (current?.count === row.count) {
        rowsUnchanged += 1;
        continue;
      }
      written.add(key);
      resumed.delete(key);
      const atZero = current?.count === 0;
      const kind =
        row.count === 0 && !atZero
          ? ('out-of-stock' as const)
          : row.count > 0 && atZero && current?.uploadId !== uploadId
            ? ('back-in-stock' as const)
            : undefined;
      // Filled in place rather than spread from temporary objects: this runs once per written row.
      const item: Writable<StoredStockItem> = {
        store: row.store,
        item: row.item,
        count: row.count,
        updatedAt,
        uploadId,
      };
      if (atZero && current?.uploadId !== uploadId) item.previousCount = 0;
      if (kind) {
        item.pendingAlert = uploadId;
        item.alertKind = kind;
        item.alertRow = rowsRead;
      }
      writes.push(item);
      if (kind) alerts.push(toAlert(item));
    }
    const done = (async () => {
      // not `writeRequests += await …`: that reads the total before the await, and two chunks overlap
      const sent = await inventory.putMany(writes);
      writeRequests += sent;
      await publish(alerts);
      // Committed once every chunk before it is (each chunk's `done` ends with its commit).
      await previous?.done;
      alertsSent += alerts.length;
      await options.onCommitted?.({ rows: rowsRead, alertsSent, storesWithoutItems: [...storesWithoutItems] });
    })();
    done.catch(() => {}); // awaited below or by the next chunk; this only keeps it from going unhandled
    inFlight = { done, keys: chunk };
    await previous?.done;
  }

  if (options.resume) {
    const marked = await inventory.pendingAlerts(uploadId, skipRows);
    for (const item of marked) resumed.set(stockKey(item), item);
    await publish(marked.map(toAlert));
    alertsSent += marked.length;
  }

  for await (const record of records) {
    if ((rowsAccepted + rowsRejected + 1) % progressEvery === 0) options.onProgress?.(rowsAccepted + rowsRejected + 1);
    if (!record.ok) {
      rowsRejected += 1;
      if (rejectedRows.length < keptRejections) rejectedRows.push({ line: record.line, reason: record.reason });
      continue;
    }
    rowsAccepted += 1;
    if (stores.size < maxStoresTracked) stores.add(record.store);
    // committed by an earlier attempt: counted above, not written again
    if (rowsAccepted + rowsRejected <= skipRows) continue;
    const key = stockKey(record);
    // Last one wins: re-inserting moves a repeated row after the others in its chunk.
    pending.delete(key);
    pending.set(key, record);
    if (pending.size >= chunkSize) await flush();
  }
  await flush();
  await inFlight?.done;

  return {
    rowsAccepted,
    rowsRejected,
    rejectedRows,
    stores: [...stores],
    ...(stores.size === 1 ? { store: [...stores][0] } : {}),
    alertsSent,
    writeRequests,
    rowsUnchanged,
  };
}
