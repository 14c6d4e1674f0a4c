/**
 * Structured JSON logs, shaped for CloudWatch: a `severity` field, the request id on every line
 * of a request, and secrets redacted wherever they appear.
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
  readonly service: string;
  /** where lines go; stdout by default (tests pass a stream to read them) */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      formatters: { level: (label) => ({ severity: label.toUpperCase(), level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
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
