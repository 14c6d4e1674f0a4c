/**
 * Applies a file's rows to the inventory, in chunks of up to 100 distinct items: one
 * BatchGetItem for their current state, BatchWriteItems of 25 for the changes, then the alerts.
 *
 * Why a second run of the same file (a duplicate event, or a redelivery after the worker was
 * killed halfway) ends exactly like one clean run:
 * - each written item carries the upload id and the count from before this upload; an item
 *   already written by this upload is recognised, and its transition is judged from that
 *   remembered count, not from the value this upload wrote;
 * - an alert is published only after its chunk is written, and recorded on the item
 *   (`alertedBy`) right after, so a rerun neither loses it nor sends it again (the one window
 *   left, a crash between publish and record, yields a duplicate with the same `alertId`);
 * - an item last written by a newer upload is left alone (upload ids are time-ordered), so an
 *   old file delivered late does not roll stock back.
 * Repeated (store, item) rows: the last one wins; the transition is judged once per file, from
 * the count before the file.
 */
import type { InventoryRepo, StoredStockItem } from '../inventory-repo.ts';
import { stockKey } from '../inventory-repo.ts';
import type { RejectedLine, UploadResult } from '../uploads-repo.ts';
import { type AlertPublisher, type StockAlert, transition } from './stock-alerts.ts';
import type { StockRecord, StockRow } from './stock-csv.ts';

export const keptRejections = 100;
const chunkSize = 100;
const maxStoresTracked = 10_000;

export interface LoadDependencies {
  readonly inventory: InventoryRepo;
  readonly alerts: AlertPublisher;
  readonly now?: () => Date;
}

export interface LoadOutcome extends UploadResult {
  /** every distinct store in the file (up to 10,000) */
  readonly stores: readonly string[];
  readonly alertsSent: number;
  readonly writeRequests: number;
}

export async function loadStock(
  deps: LoadDependencies,
  uploadId: string,
  records: AsyncIterable<StockRecord>,
  signal?: AbortSignal,
): Promise<LoadOutcome> {
  const now = deps.now ?? (() => new Date());
  const pending = new Map<string, StockRow>();
  const rejectedRows: RejectedLine[] = [];
  const stores = new Set<string>();
  let rowsAccepted = 0;
  let rowsRejected = 0;
  let alertsSent = 0;
  let writeRequests = 0;

  async function flush(): Promise<void> {
    if (pending.size === 0) return;
    signal?.throwIfAborted();
    const rows = [...pending.values()];
    pending.clear();
    const current = await deps.inventory.getMany(rows);
    const updatedAt = now().toISOString();
    const writes: StoredStockItem[] = [];
    const alerts: StockAlert[] = [];
    for (const row of rows) {
      const stored = current.get(stockKey(row));
      if (stored && stored.uploadId > uploadId) continue;
      const again = stored?.uploadId === uploadId;
      const before = again ? stored.previousCount : stored?.count;
      const alertedBy = again ? stored.alertedBy : undefined;
      if (!(again && stored.count === row.count)) {
        writes.push({
          store: row.store,
          item: row.item,
          count: row.count,
          updatedAt,
          uploadId,
          ...(before === undefined ? {} : { previousCount: before }),
          ...(alertedBy ? { alertedBy } : {}),
        });
      }
      const kind = transition(before, row.count);
      if (kind && alertedBy !== uploadId) {
        alerts.push({ kind, store: row.store, item: row.item, count: row.count, previousCount: before, uploadId });
      }
    }
    writeRequests += await deps.inventory.putMany(writes);
    for (const alert of alerts) {
      await deps.alerts.publish(alert);
      await deps.inventory.markAlerted(alert, uploadId);
      alertsSent += 1;
    }
  }

  for await (const record of records) {
    if (!record.ok) {
      rowsRejected += 1;
      if (rejectedRows.length < keptRejections) rejectedRows.push({ line: record.line, reason: record.reason });
      continue;
    }
    rowsAccepted += 1;
    if (stores.size < maxStoresTracked) stores.add(record.store);
    const key = stockKey(record);
    // Last one wins: re-inserting moves a repeated row after the others in its chunk.
    pending.delete(key);
    pending.set(key, record);
    if (pending.size >= chunkSize) await flush();
  }
  await flush();

  return {
    rowsAccepted,
    rowsRejected,
    rejectedRows,
    stores: [...stores],
    ...(stores.size === 1 ? { store: [...stores][0] } : {}),
    alertsSent,
    writeRequests,
  };
}
