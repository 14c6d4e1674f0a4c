/** The malformed-CSV corpus: each rule of the stock file format, with what a user gets back. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readStockCsv, stockCsvLimits, UnreadableFileError } from '../src/worker/stock-csv.ts';
import { malformedCorpus } from './malformed-corpus.ts';

interface Outcome {
  readonly accepted: { line: number; store: string; item: string; count: number }[];
  readonly rejected: { line: number; reason: string }[];
  readonly unreadable?: string;
}

function* chunksOf(bytes: Buffer, size: number) {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function read(input: string | Buffer, chunkSize = 64 * 1024): Promise<Outcome> {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const accepted: Outcome['accepted'] = [];
  const rejected: Outcome['rejected'] = [];
  try {
    for await (const record of readStockCsv(chunksOf(bytes, chunkSize))) {
      if (record.ok) accepted.push({ line: record.line, store: record.store, item: record.item, count: record.count });
      else rejected.push({ line: record.line, reason: record.reason });
    }
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    return { accepted, rejected, unreadable: error.message };
  }
  return { accepted, rejected };
}

const berlin = 'store,item,count\nBerlin,Echo Dot,12\nBerlin,Echo Plus,0\nBerlin,Echo Show,4\n';

describe('stock files that are read as they are', () => {
  test('the lab file: every row accepted with its line number', async () => {
    const outcome = await read(berlin);
    assert.deepEqual(outcome, {
      accepted: [
        { line: 2, store: 'Berlin', item: 'Echo Dot', count: 12 },
        { line: 3, store: 'Berlin', item: 'Echo Plus', count: 0 },
        { line: 4, store: 'Berlin', item: 'Echo Show', count: 4 },
      ],
      rejected: [],
    });
  });

  test('the header is matched in any case and any column order', async () => {
    const outcome = await read('Count, STORE ,Item\n7,Paris,Kindle\n');
    assert.deepEqual(outcome.accepted, [{ line: 2, store: 'Paris', item: 'Kindle', count: 7 }]);
  });

  test('a UTF-8 BOM and CRLF line ends are accepted, split across chunks anywhere', async () => {
    const text = '\uFEFFstore,item,count\r\nMünchen,Kühlschrank 東京,3\r\nMünchen,Echo,0\r\n';
    for (const chunkSize of [1, 2, 3, 5, 64 * 1024]) {
      const outcome = await read(text, chunkSize);
      assert.deepEqual(
        outcome.accepted,
        [
          { line: 2, store: 'München', item: 'Kühlschrank 東京', count: 3 },
          { line: 3, store: 'München', item: 'Echo', count: 0 },
        ],
        `chunks of ${chunkSize}`,
      );
    }
  });

  test('quoted fields hold commas, doubled quotes and newlines; later line numbers stay right', async () => {
    const outcome = await read(
      'store,item,count\n"Berlin, Mitte","Echo ""Plus""",1\nBerlin,"Echo\nMulti\r\nLine",2\nBerlin,Fire,x\n',
    );
    assert.deepEqual(outcome.accepted, [
      { line: 2, store: 'Berlin, Mitte', item: 'Echo "Plus"', count: 1 },
      { line: 3, store: 'Berlin', item: 'Echo\nMulti\r\nLine', count: 2 },
    ]);
    assert.deepEqual(outcome.rejected, [
      { line: 6, reason: 'count must be a whole number from 0 to 1000000000 (found "x")' },
    ]);
  });

  test('blank and whitespace-only lines are ignored but counted', async () => {
    const outcome = await read('\n\nstore,item,count\n\n   \nBerlin,Echo,1\r\n\r\n\nBerlin,Fire,2\n\n');
    assert.deepEqual(outcome, {
      accepted: [
        { line: 6, store: 'Berlin', item: 'Echo', count: 1 },
        { line: 9, store: 'Berlin', item: 'Fire', count: 2 },
      ],
      rejected: [],
    });
  });

  test('a stray quote inside an unquoted field is taken literally', async () => {
    const outcome = await read('store,item,count\nBerlin,12" Tablet,1\nBerlin,"Echo"x,2\nBerlin,Fire,3\n');
    assert.deepEqual(
      outcome.accepted.map((row) => row.item),
      ['12" Tablet', '"Echo"x', 'Fire'],
    );
  });

  test('the header only: nothing accepted, nothing rejected', async () => {
    assert.deepEqual(await read('store,item,count\n'), { accepted: [], rejected: [] });
    assert.deepEqual(await read('store,item,count'), { accepted: [], rejected: [] });
  });

  test('a last line without a newline is read', async () => {
    const outcome = await read('store,item,count\nBerlin,Echo,5');
    assert.deepEqual(outcome.accepted, [{ line: 2, store: 'Berlin', item: 'Echo', count: 5 }]);
  });
});

describe('rows that are rejected while the good rows around them are kept', () => {
  test('an empty store or item', async () => {
    const outcome = await read('store,item,count\n,Echo,1\nBerlin,,2\n  ,Echo,3\nBerlin,Echo,4\n');
    assert.deepEqual(outcome.rejected, [
      { line: 2, reason: 'store is empty' },
      { line: 3, reason: 'item is empty' },
      { line: 4, reason: 'store is empty' },
    ]);
    assert.equal(outcome.accepted.length, 1);
  });

  test('a store or item longer than 256 characters (counted as characters, not bytes)', async () => {
    const max = 'ü'.repeat(stockCsvLimits.maxNameLength);
    const outcome = await read(
      `store,item,count\n${max},Echo,1\n${max}x,Echo,2\nBerlin,${'東'.repeat(257)},3\nBerlin,${'😀'.repeat(256)},4\n`,
    );
    assert.deepEqual(outcome.rejected, [
      { line: 3, reason: 'store is longer than 256 characters' },
      { line: 4, reason: 'item is longer than 256 characters' },
    ]);
    assert.deepEqual(
      outcome.accepted.map((row) => row.line),
      [2, 5],
    );
  });

  test('a count that is not a whole number from 0 to 1,000,000,000', async () => {
    const counts = ['-1', '1.5', '1e3', '', 'ten', '1000000001', '99999999999', '0x10', '+3'];
    const body = counts.map((count) => `Berlin,Echo,${count}`).join('\n');
    const outcome = await read(`store,item,count\n${body}\nBerlin,Max,1000000000\nBerlin,Zero,0\nBerlin,Pad, 007 \n`);
    assert.deepEqual(
      outcome.rejected.map((row) => row.line),
      counts.map((_, index) => index + 2),
    );
    assert.match(
      outcome.rejected[0]?.reason ?? '',
      /^count must be a whole number from 0 to 1000000000 \(found "-1"\)$/,
    );
    assert.deepEqual(
      outcome.accepted.map((row) => row.count),
      [1_000_000_000, 0, 7],
    );
  });

  test('the wrong number of fields', async () => {
    const outcome = await read('store,item,count\nBerlin,Echo\nBerlin,Echo,1,extra\nBerlin\nBerlin,Echo,2\n');
    assert.deepEqual(outcome.rejected, [
      { line: 2, reason: 'expected 3 fields, found 2' },
      { line: 3, reason: 'expected 3 fields, found 4' },
      { line: 4, reason: 'expected 3 fields, found 1' },
    ]);
    assert.deepEqual(outcome.accepted, [{ line: 5, store: 'Berlin', item: 'Echo', count: 2 }]);
  });

  test('a 10 MB line in the middle is rejected without being held, and reading goes on', async () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const outcome = await read(`store,item,count\nBerlin,Echo,1\nBerlin,${huge},2\nBerlin,Fire,3\n`);
    assert.deepEqual(outcome.rejected, [{ line: 3, reason: 'the line is longer than 65536 characters' }]);
    assert.deepEqual(
      outcome.accepted.map((row) => row.item),
      ['Echo', 'Fire'],
    );
  });

  test('a quoted field that is never closed swallows the rest of the file, and says so', async () => {
    const outcome = await read('store,item,count\nBerlin,Echo,1\nBerlin,"Echo,2\nBerlin,Fire,3\n');
    assert.deepEqual(outcome.accepted, [{ line: 2, store: 'Berlin', item: 'Echo', count: 1 }]);
    assert.equal(outcome.rejected.length, 1);
    assert.match(outcome.rejected[0]?.reason ?? '', /never closed/);
    assert.equal(outcome.unreadable, undefined);
  });

  test('repeated (store, item) rows are all passed on in file order (the loader keeps the last)', async () => {
    const outcome = await read('store,item,count\nBerlin,Echo,1\nBerlin,Echo,0\nBerlin,Echo,5\n');
    assert.deepEqual(
      outcome.accepted.map((row) => row.count),
      [1, 0, 5],
    );
  });
});

describe('files that cannot be read at all', () => {
  test('an empty file', async () => {
    const outcome = await read('');
    assert.match(outcome.unreadable ?? '', /empty/);
  });

  test('a file of blank lines', async () => {
    const outcome = await read('\n\r\n  \n');
    assert.match(outcome.unreadable ?? '', /empty/);
  });

  test('no header: the first line is data', async () => {
    const outcome = await read('Berlin,Echo,3\nBerlin,Fire,1\n');
    assert.match(
      outcome.unreadable ?? '',
      /^Line 1: the file must start with a header naming the columns store, item and count/,
    );
    assert.equal(outcome.accepted.length, 0);
  });

  test('a header with a missing, repeated or extra column', async () => {
    for (const header of ['store,item', 'store,item,item', 'store,item,count,note', 'shop,item,count']) {
      const outcome = await read(`${header}\nBerlin,Echo,3\n`);
      assert.match(outcome.unreadable ?? '', /header naming the columns/, header);
    }
  });

  test('a binary file', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    assert.match((await read(png)).unreadable ?? '', /not UTF-8 text|binary/);
    const withNul = Buffer.concat([Buffer.from('store,item,count\nBerlin,Echo,1\n'), Buffer.from([0, 1, 2, 3])]);
    assert.match((await read(withNul)).unreadable ?? '', /binary/);
  });

  test('text that is not UTF-8 (Latin-1)', async () => {
    const outcome = await read(Buffer.from('store,item,count\nM\xfcnchen,Echo,1\n', 'latin1'));
    assert.match(outcome.unreadable ?? '', /not UTF-8/);
  });

  test('a single 10 MB line', async () => {
    const outcome = await read('store,item,count'.repeat(700_000));
    assert.match(outcome.unreadable ?? '', /Line 1: .*header.*over-long line/);
  });
});

describe('the malformed corpus, as the reader sees it', () => {
  for (const corpusCase of malformedCorpus) {
    test(corpusCase.name, async () => {
      const outcome = await read(corpusCase.content);
      const { expected } = corpusCase;
      if (expected.status === 'failed') {
        assert.match(outcome.unreadable ?? '(read)', expected.reason);
        return;
      }
      assert.equal(outcome.unreadable, undefined);
      assert.deepEqual([outcome.accepted.length, outcome.rejected.length], [expected.accepted, expected.rejected]);
      const first = outcome.rejected[0];
      if (expected.firstRejected) assert.match(`line ${first?.line}: ${first?.reason}`, expected.firstRejected);
    });
  }
});
