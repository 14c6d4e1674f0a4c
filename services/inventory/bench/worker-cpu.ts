/**
 * Target 3 of issue 18, in one run: the worker's own CPU per 1,000 rows of a realistic first load
 * (processObject over `--rows` rows, 100 stores; process.cpuUsage, so the emulator's speed does
 * not count) against csv-parse's parse-only CPU per 1,000 rows of the same file. Each load runs on
 * a fresh deployment, unmetered, two ways, taking turns for `--rounds` rounds (medians printed):
 *  - emulator: every AWS call to moto, which answers HTTP/1.0 with `Connection: close`, so each
 *    call also pays a TCP connect;
 *  - stub inventory: the inventory table's reads and writes (the BatchWriteItems, one per 25
 *    changed rows, and BatchGetItems) go to stub-dynamo.ts --tables in another process over
 *    kept-alive connections, as DynamoDB's are; S3, SNS and the uploads table stay on moto.
 * Files: no zeros, and one item in seven at zero (an out-of-stock alert each).
 * Then where the CPU of the stub inventory's first load (no zeros) goes, layer by layer
 * (realistic-load.ts, loadLayers: each layer's share is measured as the difference it makes, the
 * medians over the same rounds). `--split-only` runs only that.
 *   node services/inventory/bench/worker-cpu.ts --rows=40000 --rounds=3 [--split-only]
 */
import { loadAverage, median } from '@agora/tools/cli/bench-statistics';
import { startEmulator } from '@agora/tools/local/emulator';
import { csvParseCpuPerThousand, loadLayers, meteredWorker, realisticFile } from './realistic-load.ts';
import { startStubDynamo } from './stub-endpoint.ts';

const argument = (name: string, fallback: number) => {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return given ? Number(given.slice(name.length + 3)) : fallback;
};
const rows = argument('rows', 40_000);
const rounds = argument('rounds', 2);
const files = {
  'no zeros': realisticFile(rows, { zeroEvery: 0 }),
  'one in seven at zero': realisticFile(rows, { zeroEvery: 7 }),
};

const emulator = await startEmulator({ log: () => {} });
const stub = await startStubDynamo('keep-alive', '--tables');
try {
  const csvMicros = await csvParseCpuPerThousand(files['one in seven at zero']);
  const ways = { emulator: undefined, 'stub inventory': stub.endpoint } as const;
  const splitOnly = process.argv.includes('--split-only');
  const measured = new Map<string, number[]>();
  const layers = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    const layered = await loadLayers(emulator.endpoint, stub.endpoint, files['no zeros']);
    for (const [layer, micros] of Object.entries({ csvParse: csvMicros, ...layered })) {
      layers.set(layer, [...(layers.get(layer) ?? []), micros]);
    }
    if (splitOnly) continue;
    for (const [way, inventoryEndpoint] of Object.entries(ways)) {
      for (const [name, file] of Object.entries(files)) {
        const worker = await meteredWorker(emulator.endpoint, {
          metered: false,
          ...(inventoryEndpoint ? { inventoryEndpoint } : {}),
        });
        const load = await worker.load(`${name.replaceAll(' ', '-')}.csv`, file);
        worker.destroy();
        const label = `${way}, ${name}`;
        measured.set(label, [...(measured.get(label) ?? []), load.cpuMicrosPerThousand]);
      }
    }
  }
  process.stdout.write(
    `worker-cpu — ${rows.toLocaleString('en')} rows over 100 stores, ${rounds} rounds, load average ${loadAverage()}\n`,
  );
  process.stdout.write(`csv-parse, parse only: ${(csvMicros / 1000).toFixed(2)} ms CPU per 1,000 rows\n`);
  for (const [label, values] of measured) {
    const middle = median(values);
    process.stdout.write(
      `${label.padEnd(40)} ${(middle / 1000).toFixed(1).padStart(6)} ms CPU per 1,000 rows = ${(middle / csvMicros).toFixed(1)}× csv-parse (target ≤ 10×)  [rounds: ${values.map((value) => (value / 1000).toFixed(1)).join(', ')}]\n`,
    );
  }
  const layer = (name: string) => median(layers.get(name) ?? []);
  const shares = [
    ['csv-parse, parse only', layer('csvParse')],
    ['reading: text guard, csv options, validation', layer('csvReading') - layer('csvParse')],
    ['loadStock: chunks, keys, records, putRequest', layer('loadNoIo') - layer('csvReading')],
    ['BatchWriteItems alone (putMany, SDK, stub)', layer('writesAlone')],
    ['store Queries, interplay with the reading', layer('loadStub') - layer('loadNoIo') - layer('writesAlone')],
    ['S3 Head/GetObject stream, uploads table', layer('whole') - layer('loadStub')],
  ] as const;
  process.stdout.write(
    `\nwhere a first load's CPU goes (stub inventory, no zeros; each layer measured as the difference it makes):\n`,
  );
  for (const [name, micros] of shares) {
    process.stdout.write(
      `  ${name.padEnd(46)} ${(micros / 1000).toFixed(2).padStart(6)} ms per 1,000 rows = ${(micros / csvMicros).toFixed(1).padStart(5)}×\n`,
    );
  }
  process.stdout.write(
    `  ${'whole worker'.padEnd(46)} ${(layer('whole') / 1000).toFixed(2).padStart(6)} ms per 1,000 rows = ${(layer('whole') / csvMicros).toFixed(1).padStart(5)}×  [rounds: ${(layers.get('whole') ?? []).map((value) => (value / 1000).toFixed(1)).join(', ')}]\n`,
  );
} finally {
  stub.stop();
  await emulator.stop();
}
