/**
 * One access line per request, written when the response is sent. Log bytes are billed (CloudWatch
 * Logs ingestion), so a fast 2xx/3xx gets one short line and nothing else: request id, method,
 * route (the pattern, not the URL: ids stay out of it), status and latency; the trace id joins it
 * from the logger's mixin once traces exist. A 4xx/5xx, or a request slower than `slowMs`, is
 * logged in full (URL, client, user agent) at warn/error, for the operator who has to act on it.
 * A probe's 2xx (`config.probe`: the load balancer's and the container's health checks, every few
 * seconds per task) writes nothing: the load balancer's target health says the same, for free.
 *
 * Fastify's own "incoming request" / "request completed" pair is switched off where the app is
 * replaced (Fastify's LogController, extended), so this is the only request line.
 */
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import { writeInfoLine } from './logger.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** a load balancer's or container's probe (/health, /ready): its 2xx answers are not logged */
    probe?: boolean;
  }
}

export interface AccessLogOptions {
  /** a request that took longer than this is logged in full, whatever its status */
  readonly slowMs?: number;
}

export const defaultSlowMs = 1000;

function latencyMs(reply: FastifyReply): number {
  return Math.round(reply.elapsedTime * 10) / 10;
}

/** Fastify's request-lifecycle logging, replaced: no "incoming request" line, one line at the end. */
class AccessLog extends LogController {
  readonly #slowMs: number;

  constructor(options: AccessLogOptions) {
    super({});
    this.#slowMs = options.slowMs ?? defaultSlowMs;
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const status = reply.statusCode;
    const ms = latencyMs(reply);
    const well = !error && status < 400 && ms <= this.#slowMs;
    // a probe that found all well is not worth a line (http.ts, probeConfig)
    if (well && request.routeOptions.config.probe) return;
    const line = { method: request.method, route: request.routeOptions.url ?? '(no route)', status, latencyMs: ms };
    if (well) {
      writeInfoLine(request.log as unknown as Logger, line);
      return;
    }
    const full = {
      ...line,
      url: request.url,
      remoteAddress: request.ip,
      userAgent: request.headers['user-agent'],
      responseBytes: reply.getHeader('content-length'),
      ...(error ? { err: error } : {}),
    };
    if (error) request.log.error(full, 'response failed');
    else if (status >= 500) request.log.error(full, 'request answered 5xx');
    else if (status >= 400) request.log.warn(full, 'request answered 4xx');
    else request.log.warn(full, 'slow request');
  }
}

/** What every Fastify instance the platform creates passes, so the access line is its one request line. */
export function accessLogOptions(options: AccessLogOptions = {}): { logController: LogController } {
  return { logController: new AccessLog(options) };
}
