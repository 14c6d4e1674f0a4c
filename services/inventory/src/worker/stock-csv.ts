/**
 * Reading a stock file (`store,item,count`) as a stream of validated rows. Pure: bytes in, rows
 * and rejections out, no I/O of its own, memory bounded by the longest accepted line.
 *
 * Rules: a header naming store, item and count (any case, any order) is required; UTF-8 with or
 * without a BOM; CRLF or LF; RFC 4180 quoting (commas, doubled quotes and newlines inside quotes);
 * blank lines ignored. A stray quote inside an unquoted field is taken literally (as spreadsheets
 * do). Rows are rejected with their (first) line number and a reason; a file that is not UTF-8
 * text or has no valid header is unreadable as a whole.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type CsvError, parse } from 'csv-parse';

export const stockCsvLimits = {
  maxNameLength: 256,
  maxCount: 1_000_000_000,
  /** no valid row comes near this; longer lines are rejected without being held in memory */
  maxLineLength: 64 * 1024,
} as const;

export interface StockRow {
  readonly ok: true;
  readonly line: number;
  readonly store: string;
  readonly item: string;
  readonly count: number;
}

export interface RejectedRow {
  readonly ok: false;
  readonly line: number;
  readonly reason: string;
}

export type StockRecord = StockRow | RejectedRow;

/** The file as a whole cannot be read: not text, no valid header. */
export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError';
}

const columns = ['store', 'item', 'count'] as const;
/** Stands in for a line too long to keep; NUL never reaches the parser otherwise (binary check). */
const tooLongLine = '\u0000';

/** Bytes → text: refuses binary and invalid UTF-8, strips a BOM, cuts over-long lines short. */
class TextGuard extends Transform {
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #lineLength = 0;
  #dropping = false;

  constructor() {
    super({ decodeStrings: true, encoding: 'utf8' });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (chunk.includes(0)) {
      done(new UnreadableFileError('The file is binary, not CSV text'));
      return;
    }
    let text: string;
    try {
      text = this.#decoder.decode(chunk, { stream: true });
    } catch {
      done(new UnreadableFileError('The file is not UTF-8 text'));
      return;
    }
    done(null, this.#limitLines(text));
  }

  override _flush(done: TransformCallback): void {
    try {
      done(null, this.#limitLines(this.#decoder.decode()));
    } catch {
      done(new UnreadableFileError('The file is not UTF-8 text (it ends inside a character)'));
    }
  }

  /** Whether no line of `text` (continuing the current one) is too long; updates the current length if so. */
  #fits(text: string): boolean {
    let length = this.#lineLength;
    let start = 0;
    while (true) {
      const end = text.indexOf('\n', start);
      const segmentEnd = end === -1 ? text.length : end;
      if (length + segmentEnd - start > stockCsvLimits.maxLineLength) return false;
      if (end === -1) {
        this.#lineLength = length + segmentEnd - start;
        return true;
      }
      length = 0;
      start = end + 1;
    }
  }

  #limitLines(text: string): string {
    if (!this.#dropping && this.#fits(text)) return text;
    let out = '';
    let start = 0;
    while (start <= text.length) {
      const end = text.indexOf('\n', start);
      const segment = end === -1 ? text.slice(start) : text.slice(start, end);
      if (!this.#dropping) {
        if (this.#lineLength + segment.length > stockCsvLimits.maxLineLength) {
          this.#dropping = true;
          out += tooLongLine;
        } else {
          out += segment;
          this.#lineLength += segment.length;
        }
      }
      if (end === -1) break;
      out += '\n';
      this.#dropping = false;
      this.#lineLength = 0;
      start = end + 1;
    }
    return out;
  }
}

function countNewlines(fields: readonly string[]): number {
  let count = 0;
  for (const field of fields) {
    if (!field.includes('\n')) continue;
    for (let at = field.indexOf('\n'); at !== -1; at = field.indexOf('\n', at + 1)) count += 1;
  }
  return count;
}

function characterLength(text: string): number {
  // Only strings with surrogate pairs differ from .length, and only long ones matter here.
  return text.length > stockCsvLimits.maxNameLength ? [...text].length : text.length;
}

function nameProblem(column: string, value: string): string | undefined {
  if (value.length === 0) return `${column} is empty`;
  if (characterLength(value) > stockCsvLimits.maxNameLength) {
    return `${column} is longer than ${stockCsvLimits.maxNameLength} characters`;
  }
  return undefined;
}

const wholeNumber = /^\d{1,10}$/;

function parseCount(value: string): number | undefined {
  if (!wholeNumber.test(value)) return undefined;
  const count = Number(value);
  return count <= stockCsvLimits.maxCount ? count : undefined;
}

function quoted(value: string): string {
  return JSON.stringify(value.length > 24 ? `${value.slice(0, 24)}…` : value);
}

function isTooLong(fields: readonly string[]): boolean {
  return fields.some((field) => field.includes(tooLongLine));
}

function isBlank(fields: readonly string[]): boolean {
  return fields.length === 1 && (fields[0] as string).trim() === '';
}

/** The column positions of store, item and count, from a header record. */
function headerPositions(fields: readonly string[], line: number): [number, number, number] {
  const names = fields.map((field) => field.trim().toLowerCase());
  const positions = columns.map((column) => names.indexOf(column));
  if (names.length !== columns.length || positions.some((position) => position === -1)) {
    const found = isTooLong(fields) ? 'an over-long line' : quoted(fields.join(','));
    throw new UnreadableFileError(
      `Line ${line}: the file must start with a header naming the columns store, item and count (found ${found})`,
    );
  }
  return positions as [number, number, number];
}

function toRecord(fields: readonly string[], line: number, [s, i, c]: readonly [number, number, number]): StockRecord {
  if (isTooLong(fields)) {
    return { ok: false, line, reason: `the line is longer than ${stockCsvLimits.maxLineLength} characters` };
  }
  if (fields.length !== columns.length) {
    return { ok: false, line, reason: `expected ${columns.length} fields, found ${fields.length}` };
  }
  const store = (fields[s] as string).trim();
  const item = (fields[i] as string).trim();
  const countText = (fields[c] as string).trim();
  const problem = nameProblem('store', store) ?? nameProblem('item', item);
  if (problem) return { ok: false, line, reason: problem };
  const count = parseCount(countText);
  if (count === undefined) {
    return {
      ok: false,
      line,
      reason: `count must be a whole number from 0 to ${stockCsvLimits.maxCount} (found ${quoted(countText)})`,
    };
  }
  return { ok: true, line, store, item, count };
}

/**
 * The rows of a stock file, in file order, each accepted or rejected. Throws UnreadableFileError
 * (possibly after yielding rows, for a file that turns out not to be text further on).
 */
export async function* readStockCsv(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<StockRecord> {
  const structural: CsvError[] = [];
  const parser = parse({
    relax_quotes: true,
    relax_column_count: true,
    record_delimiter: ['\r\n', '\n'],
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error) structural.push(error);
    },
  });
  const guard = new TextGuard();
  const piping = pipeline(source, guard, parser);
  // Surfaces through the iteration below; this only keeps the rejection from going unhandled.
  piping.catch(() => {});

  let line = 1;
  let positions: [number, number, number] | undefined;
  for await (const fields of parser as AsyncIterable<string[]>) {
    const at = line;
    line += 1 + countNewlines(fields);
    if (isBlank(fields)) continue;
    if (!positions) {
      positions = headerPositions(fields, at);
      continue;
    }
    yield toRecord(fields, at, positions);
  }
  await piping;
  if (structural.length > 0) {
    // Only an unterminated quoted field reaches here: it runs to the end of the file.
    if (!positions) throw new UnreadableFileError(`Line ${line}: the header has an unterminated quoted field`);
    yield { ok: false, line, reason: 'a quoted field is never closed (the rest of the file is inside it)' };
    return;
  }
  if (!positions) throw new UnreadableFileError('The file is empty: a header naming store, item and count is required');
}
