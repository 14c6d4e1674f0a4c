/**
 * The malformed-CSV corpus, one file per rule, with what a user sees after loading it: how many
 * rows were accepted and rejected (with the first rejected line), or why the file failed.
 * Used by the reader's tests and by the worker's (which must survive every one of them).
 */
export interface CorpusCase {
  readonly name: string;
  readonly content: string | Buffer;
  readonly expected:
    | { readonly status: 'done'; readonly accepted: number; readonly rejected: number; readonly firstRejected?: RegExp }
    | { readonly status: 'failed'; readonly reason: RegExp };
}

const header = 'store,item,count\n';
const tenMegabytes = 'x'.repeat(10 * 1024 * 1024);

export const malformedCorpus: readonly CorpusCase[] = [
  {
    name: 'header in any case and column order',
    content: 'Count, STORE ,Item\n7,Paris,Kindle\n',
    expected: { status: 'done', accepted: 1, rejected: 0 },
  },
  {
    name: 'BOM and CRLF',
    content: `\uFEFF${header.replace('\n', '\r\n')}München,Echo,3\r\nMünchen,Fire,0\r\n`,
    expected: { status: 'done', accepted: 2, rejected: 0 },
  },
  {
    name: 'quoted commas, quotes and newlines',
    content: `${header}"Berlin, Mitte","Echo ""Plus""",1\nBerlin,"Echo\nMulti",2\n`,
    expected: { status: 'done', accepted: 2, rejected: 0 },
  },
  {
    name: 'blank lines',
    content: `\n${header}\n   \nBerlin,Echo,1\n\n\nBerlin,Fire,2\n\n`,
    expected: { status: 'done', accepted: 2, rejected: 0 },
  },
  { name: 'header only', content: header, expected: { status: 'done', accepted: 0, rejected: 0 } },
  {
    name: 'empty store or item',
    content: `${header},Echo,1\nBerlin,,2\nBerlin,Echo,3\n`,
    expected: { status: 'done', accepted: 1, rejected: 2, firstRejected: /^line 2: store is empty$/ },
  },
  {
    name: 'store longer than 256 characters',
    content: `${header}${'S'.repeat(257)},Echo,1\nBerlin,Echo,3\n`,
    expected: { status: 'done', accepted: 1, rejected: 1, firstRejected: /longer than 256 characters/ },
  },
  {
    name: 'counts that are not whole numbers from 0 to 1,000,000,000',
    content: `${header}B,a,-1\nB,b,1.5\nB,c,1e3\nB,d,\nB,e,ten\nB,f,1000000001\nB,g,1000000000\nB,h,0\n`,
    expected: { status: 'done', accepted: 2, rejected: 6, firstRejected: /^line 2: count must be a whole number/ },
  },
  {
    name: 'wrong number of fields',
    content: `${header}Berlin,Echo\nBerlin,Echo,1,extra\nBerlin,Echo,2\n`,
    expected: { status: 'done', accepted: 1, rejected: 2, firstRejected: /^line 2: expected 3 fields, found 2$/ },
  },
  {
    name: 'a 10 MB line among good rows',
    content: `${header}Berlin,Echo,1\nBerlin,${tenMegabytes},2\nBerlin,Fire,3\n`,
    expected: { status: 'done', accepted: 2, rejected: 1, firstRejected: /^line 3: the line is longer than/ },
  },
  {
    name: 'a quoted field never closed',
    content: `${header}Berlin,Echo,1\nBerlin,"Echo,2\nBerlin,Fire,3\n`,
    expected: { status: 'done', accepted: 1, rejected: 1, firstRejected: /never closed/ },
  },
  {
    name: 'repeated (store, item) rows',
    content: `${header}Berlin,Echo,1\nBerlin,Echo,0\nBerlin,Echo,5\n`,
    expected: { status: 'done', accepted: 3, rejected: 0 },
  },
  { name: 'an empty file', content: '', expected: { status: 'failed', reason: /empty/ } },
  { name: 'blank lines only', content: '\n\r\n  \n', expected: { status: 'failed', reason: /empty/ } },
  { name: 'no header', content: 'Berlin,Echo,3\n', expected: { status: 'failed', reason: /header naming/ } },
  {
    name: 'a header with an extra column',
    content: 'store,item,count,note\nB,E,1,x\n',
    expected: { status: 'failed', reason: /header naming/ },
  },
  {
    name: 'a binary file',
    content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]),
    expected: { status: 'failed', reason: /not UTF-8 text|binary/ },
  },
  {
    name: 'Latin-1 text',
    content: Buffer.from(`${header}M\xfcnchen,Echo,1\n`, 'latin1'),
    expected: { status: 'failed', reason: /not UTF-8/ },
  },
  {
    name: 'a single 10 MB line',
    content: 'store,item,count'.repeat(700_000),
    expected: { status: 'failed', reason: /header/ },
  },
];
