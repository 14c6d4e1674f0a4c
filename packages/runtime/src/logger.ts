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
  return pino(
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
