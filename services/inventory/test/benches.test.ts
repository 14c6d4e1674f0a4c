/**
 * The inventory benches still run: each at a tiny size, to its end (exit 0), printing the figure
 * lines a reader of its output looks for. No timing is asserted (the figures at these sizes mean
 * nothing); this only keeps a bench from breaking unnoticed, as bench:ingest once did.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCommand } from '@agora/tools/testing/run-command';

const bench = (name: string) => new URL(`../bench/${name}`, import.meta.url).pathname;
const number = String.raw`\d+(?:\.\d+)?`;

async function run(name: string, ...args: string[]): Promise<string> {
  const result = await runCommand(process.execPath, [bench(name), ...args], { timeoutMs: 60_000 });
  assert.equal(result.code, 0, `${name} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

function assertLines(output: string, patterns: readonly RegExp[]): void {
  for (const pattern of patterns) assert.match(output, pattern, `no line matching ${pattern} in:\n${output}`);
}

describe('inventory benches', { concurrency: true }, () => {
  it('worker-cpu prints the worker against csv-parse, each way and file, and the layers', async () => {
    const output = await run('worker-cpu.ts', '--rows=600', '--rounds=1');
    assertLines(output, [
      new RegExp(`^csv-parse, parse only: ${number} ms CPU per 1,000 rows$`, 'm'),
      ...[
        'emulator, no zeros',
        'emulator, one in seven at zero',
        'stub inventory, no zeros',
        'stub inventory, one in seven at zero',
      ].map((label) => new RegExp(`^${label} +${number} ms CPU per 1,000 rows = ${number}× csv-parse`, 'm')),
      new RegExp(`^ {2}BatchWriteItems alone \\(putMany, SDK, stub\\) +-?${number} ms per 1,000 rows`, 'm'),
      new RegExp(`^ {2}whole worker +${number} ms per 1,000 rows = +${number}×`, 'm'),
    ]);
  });

  it('request-cpu prints each case, tuned and with the SDK defaults, and their ratio', async () => {
    const output = await run('request-cpu.ts', '--requests=40', '--rounds=1');
    const cases = ['lib-dynamodb, 25 rows', 'AttributeValue maps, 25 rows', 'AttributeValue maps, 1 row'];
    assertLines(output, [
      new RegExp(`^csv-parse, parse only: ${number} ms CPU per 1,000 rows$`, 'm'),
      ...['keep-alive', 'close'].flatMap((mode) => [
        ...cases.flatMap((name) => [
          new RegExp(`^${mode}, ${name} +${number} µs CPU per request`, 'm'),
          new RegExp(`^${mode}, SDK defaults, ${name} +${number} µs CPU per request`, 'm'),
          new RegExp(
            `^${mode}, ${name}: tuned / SDK defaults +${number} / ${number} µs CPU per request = ${number}$`,
            'm',
          ),
        ]),
        new RegExp(`^${mode}, bare node:http POST, 25 rows, no SDK +${number} µs CPU per request`, 'm'),
      ]),
    ]);
  });

  it('sdk-stages prints each stage defaults and tuned, and CPU per request', async () => {
    const output = await run('sdk-stages.ts', '--requests=40', '--rounds=1');
    assertLines(output, [
      ...[
        'serializerMiddleware',
        'getUserAgentMiddleware',
        'retryMiddleware',
        'httpSigningMiddleware',
        'deserializerMiddleware',
      ].map((name) => new RegExp(`\\(${name}\\) +${number} +${number}$`, 'm')),
      // The tuned clients have no recursion detection middleware at all.
      new RegExp(`\\(recursionDetectionMiddleware\\) +${number} +removed$`, 'm'),
      new RegExp(`^CPU per request \\(no probes\\) +${number} +${number} +tuned/defaults = ${number}$`, 'm'),
    ]);
  });
});
