/**
 * The loader's peak RSS over a long file with the compare reads on: in a fresh process, the
 * worker's loadStock (its real repo and SNS publisher) applies `--rows` rows, streamed as they are
 * generated (never held whole), over 100 stores that each already hold an item, so every row is
 * read (BatchGetItem) before it is written; one item in seven is at zero (an alert each). Prints
 * the rows, seconds, peak RSS and heap after a GC. Compare two sizes, each in its own process:
 *   node --expose-gc services/inventory/bench/load-rss.ts --rows=100000
 *   node --expose-gc services/inventory/bench/load-rss.ts --rows=1000000 --dynamo=stub
 * `--dynamo=stub` puts the inventory table in stub-dynamo.ts (another process, holding it in
 * memory) instead of the emulator, whose ~400 rows/s would make a million rows take 45 minutes;
 * the loader, its repo and its clients are the same, only their endpoint differs, and SNS (the
 * alerts) stays on the emulator. Every row is still read and written through the SDK.
 */
import { tables } from '@agora/catalogue';
import { bootstrap, tableInput } from '@agora/tools/local/bootstrap';
import { startEmulator } from '@agora/tools/local/emulator';
import { emulatorClients } from '@agora/tools/local/emulator-clients';
import { uniquePrefix } from '@agora/tools/testing/testing';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { createInventoryRepo } from '../src/inventory-repo.ts';
import { loadStock } from '../src/worker/load-stock.ts';
import { snsAlertPublisher } from '../src/worker/stock-alerts.ts';
import { readStockCsv } from '../src/worker/stock-csv.ts';
import { startStubDynamo } from './stub-endpoint.ts';

const given = process.argv.find((arg) => arg.startsWith('--rows='));
const rows = given ? Number(given.slice('--rows='.length)) : 100_000;
const stores = 100;
const onStub = process.argv.includes('--dynamo=stub');
const inventoryTable = tables.find((table) => table.id === 'inventoryTable');
if (!inventoryTable) throw new Error('the catalogue names no inventoryTable');

function* file(): Generator<Buffer> {
  yield Buffer.from('store,item,count\n');
  for (let start = 0; start < rows; start += 2000) {
    let text = '';
    for (let index = start; index < Math.min(rows, start + 2000); index++) {
      text += `Store ${index % stores},Item ${Math.floor(index / stores)},${index % 7 === 3 ? 0 : 1 + (index % 500)}\n`;
    }
    yield Buffer.from(text);
  }
}

const emulator = await startEmulator({ log: () => {} });
try {
  const clients = emulatorClients(emulator.endpoint);
  const { env } = await bootstrap(clients, uniquePrefix('rss'));
  const stub = onStub ? await startStubDynamo('keep-alive', '--tables') : undefined;
  const tableClients = stub ? emulatorClients(stub.endpoint) : clients;
  if (stub) {
    await tableClients.dynamo.send(new CreateTableCommand(tableInput('rss', inventoryTable)));
  }
  const tableName = stub ? 'rss-inventory' : (env.INVENTORY_TABLE as string);
  const inventory = createInventoryRepo(tableClients.documents, tableName);
  const alerts = snsAlertPublisher(clients.sns, env.STOCK_ALERTS_TOPIC_ARN as string);
  // every store holds an item before the file, so each of its rows is read first
  await inventory.putMany(
    Array.from({ length: stores }, (_, index) => ({
      store: `Store ${index}`,
      item: 'seed',
      count: 1,
      updatedAt: new Date().toISOString(),
      uploadId: 'seed',
    })),
  );
  // Where the memory is while the file loads: the peak of each of Node's figures, sampled every
  // 250 ms, and the RSS at each tenth of the run (which part grows, if one does).
  const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);
  const peak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const rssByTenth: number[] = [];
  let rowsRead = 0;
  const sampling = setInterval(() => {
    const usage = process.memoryUsage();
    for (const name of Object.keys(peak) as (keyof typeof peak)[]) peak[name] = Math.max(peak[name], usage[name]);
    const tenth = Math.floor((rowsRead / rows) * 10);
    if (rssByTenth[tenth] === undefined) rssByTenth[tenth] = megabytes(usage.rss);
  }, 250);
  const started = performance.now();
  const outcome = await loadStock({ inventory, alerts }, 'rss-upload', readStockCsv(file()), {
    onProgress: (read) => {
      rowsRead = read;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampling);
  (globalThis as { gc?: () => void }).gc?.();
  clients.destroy();
  tableClients.destroy();
  stub?.stop();
  process.stdout.write(
    `${JSON.stringify({
      rows: outcome.rowsAccepted,
      dynamo: stub ? 'stub' : 'emulator',
      writeRequests: outcome.writeRequests,
      rowsUnchanged: outcome.rowsUnchanged,
      seconds: Math.round(seconds),
      alertsSent: outcome.alertsSent,
      maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      heapUsedAfterGcMB: Math.round(process.memoryUsage().heapUsed / 1024 / 1024),
      peakMB: Object.fromEntries(Object.entries(peak).map(([name, bytes]) => [name, megabytes(bytes)])),
      rssMBByTenth: rssByTenth,
    })}\n`,
  );
} finally {
  await emulator.stop();
}
