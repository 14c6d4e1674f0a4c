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
import { createInventoryRepo } from '../src/inventory-repo.ts';
import { createUploadsRepo } from '../src/uploads-repo.ts';
import { processObject } from '../src/worker/process-object.ts';
import { snsAlertPublisher } from '../src/worker/stock-alerts.ts';
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
      const rowCount = file.toString('latin1').split('\n').length - 2;
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
