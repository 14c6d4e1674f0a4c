/**
 * The realistic load the ingest benchmark (ingest.ts) and the profile (profile-load.ts) run: a
 * file over 100 stores, and a worker (processObject, as the files worker calls it) on its own
 * emulator resources with every AWS call metered.
 */
import { pipeline } from 'node:stream/promises';
import { tables } from '@agora/catalogue';
import { bootstrap, tableInput } from '@agora/tools/local/bootstrap';
import { emulatorClients } from '@agora/tools/local/emulator-clients';
import { uniquePrefix } from '@agora/tools/testing/testing';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import { createInventoryRepo, type InventoryRepo, putRequest, type StoredStockItem } from '../src/inventory-repo.ts';
import { createUploadsRepo } from '../src/uploads-repo.ts';
import { loadStock } from '../src/worker/load-stock.ts';
import { processObject } from '../src/worker/process-object.ts';
import { snsAlertPublisher } from '../src/worker/stock-alerts.ts';
import { readStockCsv } from '../src/worker/stock-csv.ts';
import { awsMeter } from './aws-meter.ts';

/**
 * The realistic file: 100 stores, `count` rows (item = row ÷ 100), with one item in `zeroEvery` at
 * zero (none when 0); `changed` turns every 20th count (5 %) into another one (a zero back to 5).
 */
export function realisticFile(count: number, options: { zeroEvery: number; changed?: boolean }): Buffer {
  const parts = ['store,item,count\n'];
  for (let index = 0; index < count; index++) {
    let stock = options.zeroEvery > 0 && index % options.zeroEvery === 3 ? 0 : 1 + ((index * 7919) % 500);
    if (options.changed && index % 20 === 0) stock = stock === 0 ? 5 : stock + 1;
    parts.push(`Store ${index % 100},Item ${Math.floor(index / 100)},${stock}\n`);
  }
  return Buffer.from(parts.join(''));
}

export interface WorkerOptions {
  /** meter every AWS call (aws-meter.ts; its own CPU is counted in the worker's) */
  readonly metered?: boolean;
  /** where the inventory table is: a stub-dynamo.ts --tables endpoint (the emulator's otherwise) */
  readonly inventoryEndpoint?: string;
}

/**
 * One deployment the worker loads files into (processObject, as the files worker calls it), every
 * AWS call it makes metered unless `metered: false`. With `inventoryEndpoint`, the inventory
 * table's reads and writes go to that endpoint (its table created there), the rest (S3, SNS, the
 * uploads table) to the emulator.
 */
export async function meteredWorker(endpoint: string, options: WorkerOptions = {}) {
  const clients = emulatorClients(endpoint);
  const deployed = await bootstrap(clients, uniquePrefix('bench'));
  const bucket = deployed.env.UPLOADS_BUCKET as string;
  const tableClients = options.inventoryEndpoint ? emulatorClients(options.inventoryEndpoint) : clients;
  let inventoryTable = deployed.env.INVENTORY_TABLE as string;
  if (options.inventoryEndpoint) {
    const definition = tables.find((table) => table.id === 'inventoryTable');
    if (!definition) throw new Error('the catalogue names no inventoryTable');
    const input = tableInput(uniquePrefix('bench'), definition);
    await tableClients.dynamo.send(new CreateTableCommand(input));
    inventoryTable = input.TableName as string;
  }
  const meter = awsMeter();
  if (options.metered ?? true) meter.attach(clients.dynamo, clients.sns, clients.s3, tableClients.dynamo);
  const dependencies = {
    s3: clients.s3,
    uploads: createUploadsRepo(clients.documents, deployed.env.UPLOADS_TABLE as string),
    inventory: createInventoryRepo(tableClients.documents, inventoryTable),
    alerts: snsAlertPublisher(clients.sns, deployed.env.STOCK_ALERTS_TOPIC_ARN as string),
    owner: 'bench',
    leaseMs: 600_000,
  };
  return {
    async load(key: string, file: Buffer) {
      await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: file }));
      const measured = meter.since();
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const outcome = await processObject(
        dependencies,
        { bucket, key },
        { messageId: key, signal: new AbortController().signal },
      );
      const cpu = process.cpuUsage(cpuBefore);
      const seconds = (performance.now() - started) / 1000;
      if (outcome.outcome !== 'loaded') throw new Error(`the worker did not load ${key}: ${outcome.outcome}`);
      const rowCount = rowsOf(file);
      return {
        seconds,
        rowsPerSecond: rowCount / seconds,
        cpuMicrosPerThousand: ((cpu.user + cpu.system) / rowCount) * 1000,
        ...measured(),
      };
    },
    destroy: () => {
      clients.destroy();
      if (tableClients !== clients) tableClients.destroy();
    },
  };
}

/** csv-parse alone over the file (the parse-only baseline): the number of records it read. */
export async function csvParseRecords(file: Buffer): Promise<number> {
  let records = 0;
  const parser = parse();
  const counting = (async () => {
    for await (const _record of parser) records += 1;
  })();
  await pipeline(chunks(file), parser);
  await counting;
  return records;
}

/** csv-parse's own CPU per 1,000 rows, parse only, best of a few passes. */
export async function csvParseCpuPerThousand(file: Buffer, repeats = 5): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < repeats; round++) {
    const before = process.cpuUsage();
    const records = await csvParseRecords(file);
    const cpu = process.cpuUsage(before);
    best = Math.min(best, ((cpu.user + cpu.system) / (records - 1)) * 1000);
  }
  return best;
}

export function* chunks(file: Buffer, size = 64 * 1024) {
  for (let at = 0; at < file.length; at += size) yield file.subarray(at, at + size);
}

/** CPU-µs per 1,000 rows of `rows` rows spent in `run`. */
async function cpuPerThousand(rows: number, run: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await run();
  const cpu = process.cpuUsage(before);
  return ((cpu.user + cpu.system) / rows) * 1000;
}

function rowsOf(file: Buffer): number {
  return file.toString('latin1').split('\n').length - 2;
}

/**
 * The worker's CPU per 1,000 rows of a first load of `file`, taken apart by measured variants, each
 * adding one layer of the real code to the one before (the differences are each layer's share):
 *  - `csv reading`: readStockCsv over the file in memory (text guard, csv-parse with the
 *    worker's options, every row validated into a record);
 *  - `loadStock, no I/O`: loadStock over those records (chunking, the written-keys filter, store
 *    bookkeeping, each write's item built and marshalled by the repo's putRequest), against an
 *    inventory that answers "no items" and sends nothing;
 *  - `loadStock, inventory on the stub`: the same with the real inventory repo on `inventoryEndpoint`
 *    (the BatchWriteItems, one per 25 rows, and one Query per new store, through the SDK); beside
 *    it, `writesAlone`: the same items' BatchWriteItems sent by the repo's putMany and nothing else;
 *  - the whole worker (processObject, from `meteredWorker().load`): adds S3's HeadObject and the
 *    GetObject stream, and the uploads table (claim, checkpoints, finish) on the emulator.
 */
export async function loadLayers(endpoint: string, inventoryEndpoint: string, file: Buffer) {
  const rows = rowsOf(file);
  const uploadId = '0193a4b2-7c1d-7e2f-8a3b-4c5d6e7f8a9b';
  const noAlerts = { publish: async () => {} };
  const csvReading = await cpuPerThousand(rows, async () => {
    for await (const _record of readStockCsv(chunks(file)));
  });
  const noInventory = {
    currentCounts: async () => new Map(),
    hasItems: async () => false,
    pendingAlerts: async () => [],
    putMany: async (items: readonly StoredStockItem[]) => Math.ceil(items.map(putRequest).length / 25),
  } as unknown as InventoryRepo;
  const loadNoIo = await cpuPerThousand(rows, () =>
    loadStock({ inventory: noInventory, alerts: noAlerts }, uploadId, readStockCsv(chunks(file))),
  );
  const clients = emulatorClients(inventoryEndpoint);
  const definition = tables.find((table) => table.id === 'inventoryTable');
  if (!definition) throw new Error('the catalogue names no inventoryTable');
  const input = tableInput(uniquePrefix('bench'), definition);
  await clients.dynamo.send(new CreateTableCommand(input));
  const inventory = createInventoryRepo(clients.documents, input.TableName as string);
  const loadStub = await cpuPerThousand(rows, () =>
    loadStock({ inventory, alerts: noAlerts }, uploadId, readStockCsv(chunks(file))),
  );
  // The same writes alone, into a fresh table: putMany per chunk of 100 rows, as loadStock calls it.
  const items: StoredStockItem[] = [];
  const updatedAt = new Date().toISOString();
  for await (const record of readStockCsv(chunks(file))) {
    if (record.ok) items.push({ store: record.store, item: record.item, count: record.count, updatedAt, uploadId });
  }
  const writesInput = tableInput(uniquePrefix('bench'), definition);
  await clients.dynamo.send(new CreateTableCommand(writesInput));
  const writesOnly = createInventoryRepo(clients.documents, writesInput.TableName as string);
  const writesAlone = await cpuPerThousand(rows, async () => {
    for (let at = 0; at < items.length; at += 100) await writesOnly.putMany(items.slice(at, at + 100));
  });
  clients.destroy();
  const worker = await meteredWorker(endpoint, { metered: false, inventoryEndpoint });
  const whole = (await worker.load('layers.csv', file)).cpuMicrosPerThousand;
  worker.destroy();
  return { csvReading, loadNoIo, writesAlone, loadStub, whole };
}
