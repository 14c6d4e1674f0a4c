/**
 * Structured JSON logs, shaped for CloudWatch and priced by the byte: one `level` field (a
 * label: `info`, `warn`, `error`, what a Logs Insights filter names), the request id on every
 * line of a request, secrets redacted wherever they appear. No `time` and no `service` on the
 * line: CloudWatch stamps every event with its own timestamp and keeps each service in its own
 * log group/stream (locally the launcher prefixes each line with the process's name), and at one
 * access line per request those two fields alone were 40 of its bytes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type DestinationStream, type Logger, pino } from 'pino';
import { traceFields } from './trace-context.ts';

export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'password',
  'passwordHash',
  'privateKey',
  '*.password',
  '*.passwordHash',
  '*.privateKey',
  '*.token',
];

export interface LoggerOptions {
  readonly level: string;
  /** where lines go; stdout by default (tests pass a stream to read them) */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const logger = pino(
    {
      level: options.level,
      base: null,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: false,
      // trace_id and span_id of the current span (when tracing is on): a log line leads to its trace
      mixin: traceFields,
    },
    options.destination,
  );
  // inherited by every child (pino children have their parent as prototype)
  Object.defineProperty(logger, shortLineFormat, { value: true });
  return logger;
}

const shortLineFormat = Symbol('agora.shortLineFormat');
const { chindingsSym, streamSym } = pino.symbols;
const needsMetadata = Symbol.for('pino.metadata');

/**
 * Writes `{"level":"info",<the logger's bindings>,<trace ids>,<fields>}` as `log.info(fields)`
 * would, byte for byte, for a line written on every request (the access line): built by hand
 * instead of by pino's generic path, whose redaction walks every field of every line against the
 * wildcard paths above. Only for fields that never hold a secret (a route pattern, a status, a
 * number): they are not redacted. A logger this module did not create gets `log.info(fields)`.
 */
export function writeInfoLine(log: Logger, fields: Readonly<Record<string, string | number>>): void {
  if (!log.isLevelEnabled('info')) return;
  const owned = log as unknown as Record<symbol, unknown>;
  const stream = owned[streamSym] as { write(line: string): void } & Record<symbol, unknown>;
  // a multistream wants each line's level and object beside it: pino's own path gives them
  if (owned[shortLineFormat] !== true || stream[needsMetadata] === true) {
    log.info(fields);
    return;
  }
  let line = `{"level":"info"${owned[chindingsSym] as string}`;
  const trace = traceFields();
  if (trace.trace_id) line += `,"trace_id":"${trace.trace_id}","span_id":"${trace.span_id}"`;
  for (const key in fields) {
    const value = fields[key];
    line += `,"${key}":${typeof value === 'number' ? (Number.isFinite(value) ? String(value) : 'null') : JSON.stringify(value)}`;
  }
  stream.write(`${line}}\n`);
}

interface RequestContext {
  readonly log: Logger;
  readonly requestId: string;
}

/** The current request's logger, so code below the routes (AWS calls) logs with its request id. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentLogger(fallback: Logger): Logger {
  return requestContext.getStore()?.log ?? fallback;
}
