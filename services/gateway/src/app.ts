/**
 * The gateway: what the ALB does for Agora on AWS, on one local port. Each request goes to the
 * service of the first catalogue rule (by priority) whose path pattern matches; no match is a 404
 * problem; a service that is down or slow is a 503/502/504 problem, never a hang. Bodies are
 * streamed through untouched, like the ALB (the services enforce their own limits).
 */

import { serviceForPath } from '@agora/catalogue';
import { requestIdFrom } from '@agora/runtime/http';
import { closeConnectionsWhenDraining } from '@agora/runtime/lifecycle';
import { createLogger } from '@agora/runtime/logger';
import { problemBody, registerProblemHandlers } from '@agora/runtime/problem';
import replyFrom from '@fastify/reply-from';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerDocs } from './docs.ts';

export interface GatewayOptions {
  readonly upstreams: ReadonlyMap<string, string>;
  readonly upstreamTimeoutMs: number;
  readonly logger?: Logger;
}

/** What the ALB would answer: 503 when nothing listens, 504 when it is too slow, 502 otherwise. */
function statusForUpstreamError(error: { code?: string; cause?: { code?: string } }): number {
  const codes = [error.code, error.cause?.code];
  const has = (...wanted: string[]) => codes.some((code) => code !== undefined && wanted.includes(code));
  if (has('ECONNREFUSED', 'ENOTFOUND', 'FST_REPLY_FROM_SERVICE_UNAVAILABLE')) return 503;
  if (has('FST_REPLY_FROM_GATEWAY_TIMEOUT', 'FST_REPLY_FROM_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT')) return 504;
  return 502;
}

export async function buildGateway(options: GatewayOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (options.logger ?? createLogger({ level: 'info', service: 'gateway' })) as FastifyBaseLogger,
    genReqId: (request) => requestIdFrom(request.headers['x-request-id']),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  registerProblemHandlers(app);
  closeConnectionsWhenDraining(app);
  // Pass every body through as a stream.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  await app.register(replyFrom, {
    undici: { headersTimeout: options.upstreamTimeoutMs, bodyTimeout: options.upstreamTimeoutMs },
  });

  await registerDocs(app, { upstreams: options.upstreams, timeoutMs: Math.min(options.upstreamTimeoutMs, 5000) });

  app.get('/health', async () => ({ status: 'ok' }));

  app.all('/*', async (request, reply) => {
    const service = serviceForPath(request.url);
    const upstream = service ? options.upstreams.get(service) : undefined;
    // No rule matches: the ALB's default action, the same 404 problem as any unknown route.
    if (!service || !upstream) return reply.callNotFound();
    const forwardedFor = [request.headers['x-forwarded-for'], request.socket.remoteAddress].filter(Boolean).join(', ');
    return reply.from(`${upstream}${request.url}`, {
      rewriteRequestHeaders: (_original, headers) => ({
        ...headers,
        'x-request-id': request.id,
        'x-forwarded-for': forwardedFor,
        'x-forwarded-proto': request.protocol,
      }),
      rewriteHeaders: (headers) => ({ ...headers, 'x-request-id': request.id }),
      onError: (errorReply, { error }) => {
        const status = statusForUpstreamError(error as { code?: string; cause?: { code?: string } });
        request.log.warn({ service, err: error }, 'upstream failed');
        errorReply
          .code(status)
          .type('application/problem+json')
          .header('x-request-id', request.id)
          .send(
            problemBody(status, `The ${service} service is not answering`, {
              type: 'urn:agora:problem:upstream',
              service,
            }),
          );
      },
    });
  });

  return app;
}
