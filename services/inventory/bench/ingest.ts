/**
 * `npm run bench:ingest`: the inventory pipeline against the lab's loader, on this machine, with
 * one emulator and one 10,000-row file for both, every figure a ratio against a baseline
 * measured in the same run.
 *  1. rows/s: the lab's loader (GetObject, split lines, one PutItem per row) vs the worker's
 *     file load (GetObject stream → CSV reader → BatchWriteItem ×25 → alerts → upload status);
 *  2. DynamoDB write requests per 1,000 rows, for both;
 *  3. the worker's parse + validate rate with a null sink vs csv-parse's parse-only rate;
 *  4. peak RSS of parse + validate with a null sink for 10,000 and 1,000,000 rows.
 */
import { execFile } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { serviceNamed } from '@agora/catalogue';
import { bootstrap } from '@agora/tools/local/bootstrap';
import { startEmulator } from '@agora/tools/local/emulator';
import { emulatorClients } from '@agora/tools/local/emulator-clients';
import { uniquePrefix } from '@agora/tools/testing/testing';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import { createInventoryRepo } from '../src/inventory-repo.ts';
import { createUploadsRepo } from '../src/uploads-repo.ts';
import { processObject } from '../src/worker/process-object.ts';
import { snsAlertPublisher } from '../src/worker/stock-alerts.ts';
import { readStockCsv } from '../src/worker/stock-csv.ts';

const run = promisify(execFile);
const rows = 10_000;
const stores = 10;

/** A lab-like file: 10 stores × 1,000 items, one item in a thousand at zero. */
function benchFile(): Buffer {
  const lines = ['store,item,count'];
  for (let index = 0; index < rows; index++) {
    const count = index % 1000 === 999 ? 0 : (index * 7919) % 500;
    lines.push(
      `Store ${index % stores},Echo model ${Math.floor(index / stores)},${count === 0 && index % 1000 !== 999 ? 1 : count}`,
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

function countWrites(clients: ReturnType<typeof emulatorClients>) {
  const writes = new Map<string, number>();
  const writeCommands = /^(PutItem|BatchWriteItem|UpdateItem|DeleteItem|TransactWriteItems)Command$/;
  clients.dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      if (writeCommands.test(name)) writes.set(name, (writes.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchWriteCounter' },
  );
  return {
    total: () => [...writes.values()].reduce((sum, count) => sum + count, 0),
    byCommand: () => Object.fromEntries(writes),
  };
}

async function deployment(endpoint: string, file: Buffer) {
  const clients = emulatorClients(endpoint);
  const deployed = await bootstrap(clients, uniquePrefix('bench'));
  const bucket = deployed.env.UPLOADS_BUCKET as string;
  await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'stock.csv', Body: file }));
  return { clients, env: deployed.env, bucket, writes: countWrites(clients) };
}

/** The lab's loader, as the seeds wrote it: the whole object, split into lines, one PutItem per row. */
async function labLoader(endpoint: string, file: Buffer) {
  const { clients, env, bucket, writes } = await deployment(endpoint, file);
  const started = performance.now();
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'stock.csv' }));
  const text = await object.Body?.transformToString();
  const [, ...lines] = (text ?? '').split('\n');
  const uploadId = 'lab';
  for (const line of lines) {
    if (!line) continue;
    const [store, item, count] = line.split(',');
    await clients.dynamo.send(
      new PutItemCommand({
        TableName: env.INVENTORY_TABLE,
        Item: {
          store: { S: store as string },
          item: { S: item as string },
          count: { N: String(Number(count)) },
          updatedAt: { S: new Date().toISOString() },
          uploadId: { S: uploadId },
        },
      }),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  clients.destroy();
  return { rowsPerSecond: rows / seconds, seconds, writes: writes.total(), byCommand: writes.byCommand() };
}

async function workerLoad(endpoint: string, file: Buffer) {
  const { clients, env, bucket, writes } = await deployment(endpoint, file);
  const dependencies = {
    s3: clients.s3,
    uploads: createUploadsRepo(clients.documents, env.UPLOADS_TABLE as string),
    inventory: createInventoryRepo(clients.documents, env.INVENTORY_TABLE as string),
    alerts: snsAlertPublisher(clients.sns, env.STOCK_ALERTS_TOPIC_ARN as string),
    owner: 'bench',
    leaseMs: 60_000,
  };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const outcome = await processObject(
    dependencies,
    { bucket, key: 'stock.csv' },
    { messageId: 'bench', signal: new AbortController().signal },
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (outcome.outcome !== 'loaded') throw new Error(`the worker did not load the file: ${outcome.outcome}`);
  clients.destroy();
  return { rowsPerSecond: rows / seconds, seconds, cpuSeconds, writes: writes.total(), byCommand: writes.byCommand() };
}

function* chunks(file: Buffer, size = 64 * 1024) {
  for (let at = 0; at < file.length; at += size) yield file.subarray(at, at + size);
}

async function parseRates(file: Buffer, repeats: number) {
  // Alternate the two, so machine noise hits both alike.
  let parseOnly = 0;
  let parseValidate = 0;
  for (let round = 0; round < repeats; round++) {
    let started = performance.now();
    let records = 0;
    const parser = parse();
    const counting = (async () => {
      for await (const _record of parser) records += 1;
    })();
    await pipeline(chunks(file), parser);
    await counting;
    parseOnly += performance.now() - started;
    if (records !== rows + 1) throw new Error(`csv-parse read ${records} records`);

    started = performance.now();
    let accepted = 0;
    for await (const record of readStockCsv(chunks(file))) if (record.ok) accepted += 1;
    parseValidate += performance.now() - started;
    if (accepted !== rows) throw new Error(`the reader accepted ${accepted} rows`);
  }
  return {
    parseOnlyRowsPerSecond: (rows * repeats) / (parseOnly / 1000),
    parseValidateRowsPerSecond: (rows * repeats) / (parseValidate / 1000),
  };
}

/** In a fresh process, with the worker's Node flags from the catalogue (or none). */
async function peakRss(rowCount: number, nodeOptions = ''): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    [new URL('./null-sink.ts', import.meta.url).pathname, String(rowCount)],
    { env: { ...process.env, NODE_OPTIONS: nodeOptions } },
  );
  return (JSON.parse(stdout) as { maxRssBytes: number }).maxRssBytes;
}

const format = (value: number, digits = 0) => value.toLocaleString('en', { maximumFractionDigits: digits });
const megabytes = (bytes: number) => `${format(bytes / 1024 / 1024, 1)} MB`;

const file = benchFile();
const emulator = await startEmulator({ log: (line) => process.stdout.write(`${line}\n`) });
try {
  process.stdout.write(
    `bench:ingest — ${format(rows)} rows (${megabytes(file.length)}), emulator ${emulator.endpoint}\n\n`,
  );
  const lab = await labLoader(emulator.endpoint, file);
  const worker = await workerLoad(emulator.endpoint, file);
  const rates = await parseRates(file, 20);
  const workerFlags = serviceNamed('inventory-worker').nodeOptions ?? '';
  const rssSmall = await peakRss(10_000, workerFlags);
  const rssLarge = await peakRss(1_000_000, workerFlags);
  const rssSmallDefault = await peakRss(10_000);
  const rssLargeDefault = await peakRss(1_000_000);

  const labPerThousand = (lab.writes / rows) * 1000;
  const workerPerThousand = (worker.writes / rows) * 1000;
  const parseRatio = rates.parseValidateRowsPerSecond / rates.parseOnlyRowsPerSecond;
  const rssRatio = rssLarge / rssSmall;
  const lines = [
    ['load rate, lab loader (PutItem per row)', `${format(lab.rowsPerSecond)} rows/s (${format(lab.seconds, 1)} s)`],
    [
      'load rate, worker',
      `${format(worker.rowsPerSecond)} rows/s (${format(worker.seconds, 1)} s; ${format(worker.cpuSeconds, 1)} s of it on Node's CPU)`,
    ],
    ['  worker / lab', `${format(worker.rowsPerSecond / lab.rowsPerSecond, 1)}×   (target ≥ 10×)`],
    ['write requests per 1,000 rows, lab', format(labPerThousand, 1)],
    [
      'write requests per 1,000 rows, worker',
      `${format(workerPerThousand, 1)}   (target ≤ 41) ${JSON.stringify(worker.byCommand)}`,
    ],
    ['csv-parse, parse only', `${format(rates.parseOnlyRowsPerSecond)} rows/s`],
    ['worker reader, parse + validate, null sink', `${format(rates.parseValidateRowsPerSecond)} rows/s`],
    ['  reader / csv-parse', `${format(parseRatio * 100)} %   (target ≥ 50 %)`],
    [`peak RSS, null sink, 10,000 rows (worker's flags: ${workerFlags || 'none'})`, megabytes(rssSmall)],
    ['peak RSS, null sink, 1,000,000 rows', megabytes(rssLarge)],
    ['  1,000,000 / 10,000', `${format(rssRatio, 2)}×   (target ≤ 1.5×, and ≤ 200 MB)`],
    ['peak RSS, 10,000 rows, Node defaults', megabytes(rssSmallDefault)],
    [
      'peak RSS, 1,000,000 rows, Node defaults',
      `${megabytes(rssLargeDefault)} (${format(rssLargeDefault / rssSmallDefault, 2)}×)`,
    ],
  ];
  const width = Math.max(...lines.map(([label]) => (label as string).length));
  for (const [label, value] of lines) process.stdout.write(`${(label as string).padEnd(width)}  ${value}\n`);
} finally {
  await emulator.stop();
}
