/**
 * One measurement in a fresh process: generate N rows as a stream (never held whole), read them
 * with the worker's CSV reader into a null sink, print the peak RSS. Used by ingest.ts.
 */
import { readStockCsv } from '../src/worker/stock-csv.ts';

function* generate(rows: number): Generator<Buffer> {
  yield Buffer.from('store,item,count\n');
  const perChunk = 2000;
  for (let start = 0; start < rows; start += perChunk) {
    let text = '';
    for (let index = start; index < Math.min(rows, start + perChunk); index++) {
      text += `Store ${index % 50},Item number ${index},${index % 97}\n`;
    }
    yield Buffer.from(text);
  }
}

const rows = Number(process.argv[2] ?? 10_000);
let accepted = 0;
for await (const record of readStockCsv(generate(rows))) if (record.ok) accepted += 1;
if (accepted !== rows) throw new Error(`read ${accepted} of ${rows} rows`);
process.stdout.write(`${JSON.stringify({ rows, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
