/**
 * The inventory table: one item per (store, item). The only module that knows its keys and
 * expressions. Besides the stock, an item remembers the upload that wrote it last (`uploadId`)
 * and, when that write made a stock transition, `pendingAlert` (that upload's id), `alertKind` and
 * `alertRow` (how far into the file it was written): the alert is pending until the upload's
 * checkpoint passes that row. What lets a file be loaded again, after a crash or a duplicate
 * delivery, with the same outcome as one clean load (see worker/load-stock.ts).
 */

import type { Backoff } from '@agora/runtime/backoff';
import {
  batchGetAll,
  batchWriteMarshalled,
  type CursorPage,
  type MarshalledWriteRequest,
  pageOf,
} from '@agora/runtime/dynamo';
import { cursorValues, decodeCursor } from '@agora/runtime/ids';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';

export interface StockKey {
  readonly store: string;
  readonly item: string;
}

export interface StockItem extends StockKey {
  readonly count: number;
  readonly updatedAt: string;
  /** the upload that set this count */
  readonly uploadId: string;
}

export type AlertKind = 'out-of-stock' | 'back-in-stock';

/** What the loader reads and writes: the stock plus its bookkeeping. */
export interface StoredStockItem extends StockItem {
  /** the count before `uploadId` changed it, when known */
  readonly previousCount?: number;
  /**
   * set (to `uploadId`) by the write that makes a transition; its alert is published once the
   * upload's checkpoint passes `alertRow` (the mark is never cleared by a write of its own: the
   * next write of the item replaces it)
   */
  readonly pendingAlert?: string;
  readonly alertKind?: AlertKind;
  /** the rows read, at the end of the chunk that wrote this transition */
  readonly alertRow?: number;
}

export function stockKey(key: StockKey): string {
  // NUL never occurs in a store or item (the CSV reader refuses binary).
  return `${key.store}\u0000${key.item}`;
}

const outOfStockIndex = 'outOfStock';
const byItemIndex = 'byItem';
const pendingAlertsIndex = 'pendingAlerts';

function toStockItem(item: Record<string, unknown>): StockItem {
  return {
    store: item.store as string,
    item: item.item as string,
    count: item.count as number,
    updatedAt: item.updatedAt as string,
    uploadId: item.uploadId as string,
  };
}

/**
 * An item's put in DynamoDB's attribute-value form, built here rather than by the document client
 * (CPU per row; services/inventory/bench/request-cpu.ts measures requests built by it).
 */
export function putRequest(item: StoredStockItem): MarshalledWriteRequest {
  // Filled in place, not spread from temporary objects: this runs once per written row.
  const marshalled: Record<string, AttributeValue> = {
    store: { S: item.store },
    item: { S: item.item },
    count: { N: String(item.count) },
    updatedAt: { S: item.updatedAt },
    uploadId: { S: item.uploadId },
  };
  if (item.count === 0) marshalled.outOfStockStore = { S: item.store };
  if (item.previousCount !== undefined) marshalled.previousCount = { N: String(item.previousCount) };
  if (item.pendingAlert !== undefined) marshalled.pendingAlert = { S: item.pendingAlert };
  if (item.alertKind !== undefined) marshalled.alertKind = { S: item.alertKind };
  if (item.alertRow !== undefined) marshalled.alertRow = { N: String(item.alertRow) };
  return { PutRequest: { Item: marshalled } };
}

export interface InventoryRepoOptions {
  readonly backoff?: Backoff;
  /** BatchWriteItem requests in flight at once */
  readonly writeConcurrency?: number;
}

export function createInventoryRepo(
  documents: DynamoDBDocumentClient,
  tableName: string,
  options: InventoryRepoOptions = {},
) {
  const writeOptions = {
    concurrency: options.writeConcurrency ?? 4,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  };

  async function queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<StoredStockItem[]> {
    const found: StoredStockItem[] = [];
    for await (const page of paginateQuery({ client: documents }, { TableName: tableName, ...input })) {
      found.push(...((page.Items ?? []) as StoredStockItem[]));
    }
    return found;
  }

  return {
    /**
     * The stored count and last writer of each key that has an item, by stockKey: one
     * BatchGetItem per 100 keys (eventually consistent unless asked), projected to what the
     * loader compares.
     */
    async currentCounts(
      keys: readonly StockKey[],
      read: { readonly consistent?: boolean } = {},
    ): Promise<Map<string, Pick<StockItem, 'count' | 'uploadId'>>> {
      const items = await batchGetAll(
        documents,
        tableName,
        keys.map((key) => ({ store: key.store, item: key.item })),
        {
          projection: ['store', 'item', 'count', 'uploadId'],
          ...(read.consistent ? { consistent: true } : {}),
          ...(options.backoff ? { backoff: options.backoff } : {}),
        },
      );
      return new Map(
        items.map((item) => [
          stockKey(item as unknown as StockKey),
          { count: item.count as number, uploadId: item.uploadId as string },
        ]),
      );
    },

    /** Whether a store has any item yet (a store's first file has nothing to compare against). */
    async hasItems(store: string): Promise<boolean> {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#store = :store',
          ExpressionAttributeNames: { '#store': 'store' },
          ExpressionAttributeValues: { ':store': store },
          ProjectionExpression: '#store',
          Limit: 1,
        }),
      );
      return Items.length > 0;
    },

    /**
     * Items whose alert `uploadId` wrote past row `afterRow` (its checkpoint): published or not,
     * nothing recorded that they were. A mark without `alertRow` (written before marks carried
     * one) counts as pending.
     */
    async pendingAlerts(uploadId: string, afterRow: number): Promise<StoredStockItem[]> {
      return queryAll({
        IndexName: pendingAlertsIndex,
        KeyConditionExpression: 'pendingAlert = :upload',
        FilterExpression: 'attribute_not_exists(alertRow) OR alertRow > :after',
        ExpressionAttributeValues: { ':upload': uploadId, ':after': afterRow },
      });
    },

    /**
     * Writes items 25 per BatchWriteItem, a few requests in flight, retrying UnprocessedItems
     * with backoff and jitter. Keys must be distinct. Returns the number of requests sent.
     */
    async putMany(items: readonly StoredStockItem[]): Promise<number> {
      return batchWriteMarshalled(documents, tableName, items.map(putRequest), writeOptions);
    },

    /** A store's items by name; with `outOfStockOnly`, only those at zero (from the sparse index). */
    async listStoreItems(
      store: string,
      query: { limit: number; cursor?: string | undefined; outOfStockOnly?: boolean | undefined },
    ): Promise<CursorPage<StockItem>> {
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          ...(query.outOfStockOnly
            ? {
                IndexName: outOfStockIndex,
                KeyConditionExpression: 'outOfStockStore = :store',
                ExclusiveStartKey: decodeCursor(query.cursor, {
                  store,
                  item: cursorValues.any,
                  outOfStockStore: store,
                }),
              }
            : {
                KeyConditionExpression: '#store = :store',
                ExpressionAttributeNames: { '#store': 'store' },
                ExclusiveStartKey: decodeCursor(query.cursor, { store, item: cursorValues.any }),
              }),
          ExpressionAttributeValues: { ':store': store },
          Limit: query.limit,
        }),
      );
      return pageOf(Items.map(toStockItem), LastEvaluatedKey);
    },

    /** One item in every store that has it, by store name. */
    async listItemAcrossStores(
      item: string,
      query: { limit: number; cursor?: string | undefined },
    ): Promise<CursorPage<StockItem>> {
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: byItemIndex,
          KeyConditionExpression: '#item = :item',
          ExpressionAttributeNames: { '#item': 'item' },
          ExpressionAttributeValues: { ':item': item },
          ExclusiveStartKey: decodeCursor(query.cursor, { store: cursorValues.any, item }),
          Limit: query.limit,
        }),
      );
      return pageOf(Items.map(toStockItem), LastEvaluatedKey);
    },
  };
}

export type InventoryRepo = ReturnType<typeof createInventoryRepo>;
