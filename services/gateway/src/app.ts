/**
 * The gateway: what the ALB does for Agora on AWS, on one local port. Each request goes to the
 * service of the first catalogue rule (by priority) whose path pattern matches, to one of the
 * healthy targets of that service's target group; no match is a 404 problem; a service that is
 * down, slow or saturated is a 503/502/504 problem, never a hang. Bodies are streamed through
 * untouched, like the ALB (the services enforce their own limits); hop-by-hop headers are not.
 * Like the ALB, it forwards every method HTTP can carry (QUERY, WebDAV's, any body or none) to the
 * service that owns the path, which answers 405 with Allow for a method it lacks; the gateway's
 * own paths do the same, and a method HTTP's parser does not know is a 501 problem.
 * Every other path is the web app's, answered from its build as CloudFront answers it from S3.
 */

import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { matchesPathPattern, serviceForPath, webApp } from '@agora/catalogue';
import { sendWebApp, type WebAppFiles } from '@agora/dashboard/serve';
import { accessLogOptions } from '@agora/runtime/access-log';
import { requestIdFrom, trackAllowedMethods } from '@agora/runtime/http';
import { closeConnectionsWhenDraining } from '@agora/runtime/lifecycle';
import { createLogger } from '@agora/runtime/logger';
import { http } from '@agora/runtime/node-http';
import {
  answerClientError,
  answerFrameworkError,
  clientWentAway,
  problemBody,
  registerProblemHandlers,
  sendProblem,
} from '@agora/runtime/problem';
import { registerSecurityHeaders } from '@agora/runtime/security-headers';
import { nameRequestSpan, renameCurrentSpan } from '@agora/runtime/trace-context';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { ConcurrencyGate, type Release } from './concurrency-gate.ts';
import { registerDocs } from './docs.ts';
import { endToEndHeaders } from './headers.ts';
import { judgeRequestTarget } from './request-path.ts';
import type { TargetGroups } from './target-group.ts';

export interface GatewayLimits {
  /** requests one service may have waiting for their answer at once (long-lived streams excluded) */
  readonly requestsPerService: number;
  /** long-lived streams (text/event-stream answers) one service may hold open at once */
  readonly streamsPerService: number;
  /** how long a request may wait for a free slot before it is answered 503 */
  readonly queueTimeoutMs: number;
}

export const defaultLimits: GatewayLimits = { requestsPerService: 256, streamsPerService: 1024, queueTimeoutMs: 5000 };

export interface GatewayOptions {
  readonly targetGroups: TargetGroups;
  readonly limits?: Partial<GatewayLimits>;
  readonly logger?: Logger;
  /** the built web app, served for every path outside the API's as CloudFront serves it from S3; absent: those are 404 */
  readonly webApp?: WebAppFiles;
}

/** Seconds a client should wait before retrying a request the gateway could not place. */
const retryAfterSeconds = 1;

/** What the ALB would answer: 503 when nothing listens, 504 when it is too slow, 502 otherwise. */
function statusForUpstreamError(error: { code?: string; cause?: { code?: string } }): number {
  const codes = [error.code, error.cause?.code];
  const has = (...wanted: string[]) => codes.some((code) => code !== undefined && wanted.includes(code));
  if (has('ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH')) return 503;
  if (has('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_BODY_TIMEOUT')) return 504;
  return 502;
}

/** Whether the request's framing says a body follows (RFC 9112 §6.3). */
function carriesBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * The client's body as the upstream request reads it: a copy, not the client's stream itself. A
 * service may answer before it has read the body (a 413 on Content-Length alone) and close; undici
 * then destroys the body it was sending, which, were it the client's request, would destroy the
 * client's connection while the service's answer is on its way to it (a cut answer, or a 502).
 * Only the copy is destroyed: the rest of the client's body is read and dropped, so the client,
 * still sending, reads the whole answer, as from an ALB.
 */
function upstreamBody(client: IncomingMessage): Readable {
  const copy = new PassThrough();
  client.pipe(copy);
  client.once('error', (error) => copy.destroy(error));
  copy.once('close', () => {
    if (client.readableEnded) return;
    client.unpipe(copy);
    client.resume();
  });
  return copy;
}

function isEventStream(contentType: string | string[] | undefined): boolean {
  return /^\s*text\/event-stream\b/i.test(String(contentType ?? ''));
}

function upstreamProblem(reply: FastifyReply, status: number, service: string, detail: string): FastifyReply {
  if (status === 503) reply.header('retry-after', String(retryAfterSeconds));
  return sendProblem(reply, problemBody(status, detail, { type: 'urn:agora:problem:upstream', service }));
}

export async function buildGateway(options: GatewayOptions): Promise<FastifyInstance> {
  const limits = { ...defaultLimits, ...options.limits };
  const app = Fastify({
    loggerInstance: (options.logger ?? createLogger({ level: 'info' })) as FastifyBaseLogger,
    ...accessLogOptions(),
    genReqId: (request) => requestIdFrom(request.headers['x-request-id']),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  registerProblemHandlers(app, trackAllowedMethods(app));
  closeConnectionsWhenDraining(app);
  registerSecurityHeaders(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    nameRequestSpan(request.method, request.routeOptions.url, request.id);
  });
  // Every method is bodyless to Fastify, so it never parses, judges or refuses a body (QUERY
  // without Content-Type included): the raw request streams through to the service untouched.
  // CONNECT never reaches a route (Node hands it to the 'connect' event, which nothing takes).
  const bodyless = new Set(['GET', 'HEAD', 'TRACE', 'CONNECT']);
  for (const method of http.METHODS.filter((name) => !bodyless.has(name))) {
    app.addHttpMethod(method, { hasBody: false, overrideExisting: true });
  }

  const requestGates = new Map(
    [...options.targetGroups.keys()].map((s) => [s, new ConcurrencyGate(limits.requestsPerService)]),
  );
  const streamGates = new Map(
    [...options.targetGroups.keys()].map((s) => [s, new ConcurrencyGate(limits.streamsPerService)]),
  );

  await registerDocs(app, {
    upstreams: () =>
      new Map(
        [...options.targetGroups].flatMap(([service, group]) => {
          const target = group.pick();
          return target ? [[service, target.url] as const] : [];
        }),
      ),
    timeoutMs: 5000,
  });

  app.get('/health', async () => ({ status: 'ok' }));

  app.all('/*', async (request, reply) => {
    const verdict = judgeRequestTarget(request.url);
    if (!verdict.ok) {
      return sendProblem(reply, problemBody(400, verdict.reason, { type: 'urn:agora:problem:bad-request' }));
    }
    const service = serviceForPath(verdict.path);
    const webAppPath = !webApp.originPathPatterns.some((pattern) => matchesPathPattern(pattern, verdict.path));
    if (!service && webAppPath && options.webApp && (request.method === 'GET' || request.method === 'HEAD')) {
      return sendWebApp(options.webApp, verdict.path, request, reply);
    }
    const group = service ? options.targetGroups.get(service) : undefined;
    // No rule matches: the ALB's default action, the same 404 problem as any unknown route.
    if (!service || !group) return reply.callNotFound();
    // The span says which target group the request went to (the route is the catch-all).
    renameCurrentSpan(`${request.method} → ${service}`);

    // Whatever ends the exchange (answer sent, client gone), every slot taken is given back once.
    const abandon = new AbortController();
    const releases: Release[] = [];
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abandon.abort();
      for (const release of releases.splice(0)) release();
    });

    const release = await (requestGates.get(service) as ConcurrencyGate).acquire(limits.queueTimeoutMs, abandon.signal);
    if (abandon.signal.aborted) {
      release?.();
      request.log.info({ service }, 'client closed the request while it waited');
      return reply;
    }
    if (!release) {
      request.log.warn({ service }, 'no free upstream slot in time');
      return upstreamProblem(reply, 503, service, `The ${service} service is saturated: retry shortly`);
    }
    releases.push(release);
    const target = group.pick();
    if (!target) return upstreamProblem(reply, 503, service, `The ${service} service has no registered target`);
    releases.push(target.begin());

    const forwardedFor = [request.headers['x-forwarded-for'], request.socket.remoteAddress].filter(Boolean).join(', ');
    try {
      const upstream = await target.pool.request({
        method: request.method as 'GET',
        path: request.url,
        headers: {
          ...endToEndHeaders(request.headers),
          host: request.headers.host ?? new URL(target.url).host,
          'x-request-id': request.id,
          'x-forwarded-for': forwardedFor,
          'x-forwarded-proto': request.protocol,
        },
        body: carriesBody(request.headers) ? upstreamBody(request.raw) : null,
        signal: abandon.signal,
      });
      if (isEventStream(upstream.headers['content-type'])) {
        // A long-lived stream: it leaves the short requests' slots to them and holds a stream slot.
        const stream = (streamGates.get(service) as ConcurrencyGate).tryAcquire();
        if (!stream) {
          upstream.body.destroy();
          return upstreamProblem(reply, 503, service, `The ${service} service has too many open streams`);
        }
        releases.push(stream);
        release();
      }
      reply.code(upstream.statusCode).headers({ ...endToEndHeaders(upstream.headers), 'x-request-id': request.id });
      if (request.method === 'HEAD' || upstream.statusCode === 204 || upstream.statusCode === 304) {
        await upstream.body.dump();
        return reply.send();
      }
      return reply.send(upstream.body);
    } catch (error) {
      if (abandon.signal.aborted || clientWentAway(request)) {
        request.log.info({ service }, 'client closed the request');
        return reply;
      }
      const status = statusForUpstreamError(error as { code?: string; cause?: { code?: string } });
      request.log.warn({ service, target: target.url, err: error }, 'upstream failed');
      return upstreamProblem(reply, status, service, `The ${service} service is not answering`);
    }
  });

  app.addHook('onClose', async () => {
    await Promise.all([...options.targetGroups.values()].map((group) => group.close()));
  });

  return app;
}
