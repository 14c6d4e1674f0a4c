/**
 * `npm run bench:ingest`: the inventory pipeline against the lab's loader, on this machine, with
 * one emulator and one 10,000-row file for both, every figure a ratio against a baseline
 * measured in the same run.
 *  1. rows/s: the lab's loader (GetObject, split lines, one PutItem per row) vs the worker's
 *     file load (GetObject stream → CSV reader → BatchWriteItem ×25 → alerts → upload status);
 *  2. DynamoDB write requests per 1,000 rows, for both;
 *  3. the worker's parse + validate rate with a null sink vs csv-parse's parse-only rate;
 *  4. peak RSS of parse + validate with a null sink for 10,000 and 1,000,000 rows;
 *  5. a realistic first load (`--rows`, 200,000 by default, over 100 stores): rows/s of a file with
 *     one item in seven at zero (an out-of-stock alert each) against the same file with none;
 *     where the worker's time went (wall time per AWS call kind, summed) and its own CPU per
 *     1,000 rows against csv-parse's parse-only CPU per 1,000 rows (process.cpuUsage);
 *  6. the same file again, and a snapshot with 5 % of its counts changed: write requests, write
 *     units and read units against its first load. The emulator's ConsumedCapacity is not real,
 *     so units are counted from what is sent, by DynamoDB's on-demand rules: a write unit per
 *     1 KB of item, an eventually consistent read half a unit per 4 KB (per key asked for, found
 *     or not), and a read unit at a fifth of a write unit's price.
 * `npm run bench:ingest -- --rows=20000` for a shorter run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { serviceNamed } from '@agora/catalogue';
import { bootstrap } from '@agora/tools/local/bootstrap';
import { startEmulator } from '@agora/tools/local/emulator';
import { emulatorClients } from '@agora/tools/local/emulator-clients';
import { uniquePrefix } from '@agora/tools/testing/testing';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createInventoryRepo } from '../src/inventory-repo.ts';
import { createUploadsRepo } from '../src/uploads-repo.ts';
import { processObject } from '../src/worker/process-object.ts';
import { snsAlertPublisher } from '../src/worker/stock-alerts.ts';
import { readStockCsv } from '../src/worker/stock-csv.ts';
import { chunks, csvParseCpuPerThousand, csvParseRecords, meteredWorker, realisticFile } from './realistic-load.ts';

const run = promisify(execFile);
const rows = 10_000;
const rowsArgument = process.argv.find((arg) => arg.startsWith('--rows='));
const realisticRows = rowsArgument ? Number(rowsArgument.slice('--rows='.length)) : 200_000;
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

async function parseRates(file: Buffer, repeats: number) {
  // Alternate the two, so machine noise hits both alike.
  let parseOnly = 0;
  let parseValidate = 0;
  for (let round = 0; round < repeats; round++) {
    let started = performance.now();
    const records = await csvParseRecords(file);
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

  const plainFile = realisticFile(realisticRows, { zeroEvery: 0 });
  const zerosFile = realisticFile(realisticRows, { zeroEvery: 7 });
  const plain = await meteredWorker(emulator.endpoint);
  const plainLoad = await plain.load('plain.csv', plainFile);
  plain.destroy();
  const zeros = await meteredWorker(emulator.endpoint);
  const zerosLoad = await zeros.load('zeros.csv', zerosFile);
  const again = await zeros.load('zeros-again.csv', zerosFile);
  const changed = await zeros.load('zeros-changed.csv', realisticFile(realisticRows, { zeroEvery: 7, changed: true }));
  zeros.destroy();
  const csvCpu = await csvParseCpuPerThousand(zerosFile);

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
  const realistic = (label: string, load: Awaited<ReturnType<Awaited<ReturnType<typeof meteredWorker>>['load']>>) => [
    [label, `${format(load.rowsPerSecond)} rows/s (${format(load.seconds, 1)} s)`],
    [
      '  write requests / units, read units',
      `${format(load.writeRequests)} / ${format(load.writeUnits)} / ${format(load.readUnits, 1)}`,
    ],
    [
      '  worker CPU per 1,000 rows',
      `${format(load.cpuMicrosPerThousand / 1000, 1)} ms (${format(load.cpuMicrosPerThousand / csvCpu, 1)}× csv-parse's, target ≤ 10×)`,
    ],
    ['  requests', JSON.stringify(load.byCommand)],
    [
      '  wall ms per call kind (summed)',
      JSON.stringify(
        Object.fromEntries(Object.entries(load.millisByCommand).map(([name, ms]) => [name, Math.round(ms)])),
      ),
    ],
  ];
  const savedUnits = zerosLoad.writeUnits - changed.writeUnits;
  lines.push(
    [`\nrealistic first load, ${format(realisticRows)} rows over 100 stores`, ''],
    ['csv-parse, parse only, CPU per 1,000 rows', `${format(csvCpu / 1000, 2)} ms`],
    ...realistic('no zeros', plainLoad),
    ...realistic('one item in seven at zero', zerosLoad),
    [
      '  zeros ÷ no zeros (rows/s)',
      `${format((zerosLoad.rowsPerSecond / plainLoad.rowsPerSecond) * 100)} %   (target ≥ 50 %)`,
    ],
    ...realistic('the same file again', again),
    ['  write requests per 1,000 rows', `${format((again.writeRequests / realisticRows) * 1000, 2)}   (target ≤ 1)`],
    ...realistic('5 % of counts changed', changed),
    [
      '  write units ÷ first load',
      `${format((changed.writeUnits / zerosLoad.writeUnits) * 100, 1)} %   (target ≤ 10 %)`,
    ],
    [
      "  reads' price ÷ writes saved",
      `${format(changed.readUnits * 0.2, 1)} ÷ ${format(savedUnits)} write-unit prices = ${format(((changed.readUnits * 0.2) / savedUnits) * 100, 1)} %   (target < 100 %)`,
    ],
  );
  const width = Math.max(...lines.map(([label]) => (label as string).length));
  for (const [label, value] of lines) process.stdout.write(`${(label as string).padEnd(width)}  ${value}\n`);
} finally {
  await emulator.stop();
}
