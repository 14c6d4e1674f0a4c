/**
 * The Fastify instance every service starts from: request ids, structured logs, problem+json
 * errors, TypeBox validation, security headers, CORS for configured origins only, body size and
 * rate limits, and the /health and /ready probes. Services register their routes on top; the
 * monolith registers several services' plugins on one such instance.
 */
import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { registerAjvFormats, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type preHandlerHookHandler,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { Logger } from 'pino';
import { accessLogOptions } from './access-log.ts';
import { trustedProxyHops } from './client-address.ts';
import { closeConnectionsWhenDraining, lingerOnRefusedBodies } from './lifecycle.ts';
import { requestContext } from './logger.ts';
import { processMetrics } from './metrics.ts';
import {
  answerClientError,
  answerFrameworkError,
  HttpProblem,
  problemBody,
  registerProblemHandlers,
  sendProblem,
} from './problem.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { nameRequestSpan } from './trace-context.ts';
import { strictValidatorCompiler } from './validation.ts';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface BaseAppOptions {
  readonly logger: Logger;
  readonly corsOrigins: string;
  readonly bodyLimitBytes: number;
  readonly rateLimitPerMinute: number;
  /** where the per-client counts live (a @fastify/rate-limit store class); unset: this process's memory */
  readonly rateLimitStore?: new (
    ...args: never[]
  ) => unknown;
  /** proxies in front of the service that append to X-Forwarded-For (client-address.ts); 1 by default */
  readonly trustedProxyHops?: number;
  /** Resolves when the service can serve traffic (its tables reachable); rejects otherwise. */
  readonly readiness: () => Promise<void>;
}

/**
 * The probes' route config. /health and /ready answer the load balancer's health checks and the
 * container's HEALTHCHECK, every few seconds per task, and never a browser or a user: they carry
 * what every answer carries (request id, security headers) and nothing a client request needs,
 * so no rate limit (a load balancer must never be refused), no CORS, no request context, and no
 * access line for an answer that says all is well (access-log.ts: a probe's 4xx/5xx, or a slow
 * one, is logged in full like any request's).
 */
export const probeConfig = { rateLimit: false, cors: false, probe: true } as const;

const maxParamBytes = 4096;
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** A client's request id is kept when it looks like one; anything else is replaced. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const candidate = Array.isArray(header) ? header[0] : header;
  return candidate && requestIdPattern.test(candidate) ? candidate : randomUUID();
}

registerAjvFormats();

const routableMethods: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * The routes an app serves, by path and method, matched the way Fastify's own router matches
 * them, so a request no route takes can tell "no such path" (404) from "not this method" (405).
 */
function routeTable() {
  const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: maxParamBytes });
  const seen = new Set<string>();
  return {
    add(methods: string | string[], url: string) {
      // catch-all routes (CORS preflight) would make every path exist
      if (url.includes('*')) return;
      for (const method of [methods].flat()) {
        // with trailing slashes ignored, /docs and /docs/ are one route
        const key = `${method} ${url.length > 1 ? url.replace(/\/$/, '') : url}`;
        if (seen.has(key)) continue;
        seen.add(key);
        router.on(method as HTTPMethod, url, () => {}, { url });
      }
    },
    /**
     * The methods of the most specific route pattern that takes `path` (fewest parameters), as
     * OpenAPI matches a concrete path before a templated one: beside GET /api/topics/live, the
     * PATCH of /api/topics/:topicId is not a method of /api/topics/live.
     */
    allowedMethods(path: string): string[] {
      const matches = routableMethods.flatMap((method) => {
        const found = router.find(method, path);
        return found ? [{ method, url: (found.store as { url: string }).url }] : [];
      });
      const parameters = (url: string) => url.split('/').filter((segment) => segment.startsWith(':')).length;
      const specific = Math.min(...matches.map((match) => parameters(match.url)));
      return matches.filter((match) => parameters(match.url) === specific).map((match) => match.method);
    },
  };
}

/**
 * Records the routes `app` serves as they are added (call it before registering any); returns the
 * methods a path is served under, for the problem handlers' 405 with Allow.
 */
export function trackAllowedMethods(app: FastifyInstance): (path: string) => string[] {
  const routes = routeTable();
  app.addHook('onRoute', (route) => routes.add(route.method, route.url));
  return (path) => routes.allowedMethods(path);
}

export async function createBaseApp(options: BaseAppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    ...accessLogOptions(),
    bodyLimit: options.bodyLimitBytes,
    genReqId: (request) => requestIdFrom(request.headers['x-request-id']),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // request.ip: the address the outermost trusted proxy saw (client-address.ts).
    trustProxy: trustedProxyHops(options.trustedProxyHops ?? 1),
    // Longer than any path parameter a route accepts, percent-encoded (4 KiB): the route's schema
    // judges the value; a longer one is a 400 problem like any other invalid parameter.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: maxParamBytes },
    // The router's own errors (an over-long parameter, a malformed URL) answer problems too.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(strictValidatorCompiler);
  // A JSON API: any other media type is a 415, not a string body that fails validation later.
  app.removeContentTypeParser('text/plain');
  closeConnectionsWhenDraining(app);
  lingerOnRefusedBodies(app);
  registerProblemHandlers(app, trackAllowedMethods(app));

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    nameRequestSpan(request.method, request.routeOptions.url, request.id);
    done();
  });
  // Per route: requests, latency, 5xx (aggregated, written once per interval: see metrics.ts).
  // One dimensions object per route, made on its first request: the aggregator keys it once.
  const routeDimensions = new Map<string, { Route: string }>();
  app.addHook('onResponse', (request, reply, done) => {
    const metrics = processMetrics();
    const route = request.routeOptions.url;
    if (metrics && route !== '/health' && route !== '/ready') {
      const name = route ? `${request.method} ${route}` : 'unmatched';
      let dimensions = routeDimensions.get(name);
      if (!dimensions) {
        dimensions = { Route: name };
        routeDimensions.set(name, dimensions);
      }
      metrics.count('Requests', dimensions);
      metrics.count('Errors5xx', dimensions, reply.statusCode >= 500 ? 1 : 0);
      metrics.observe('Latency', dimensions, reply.elapsedTime);
    }
    done();
  });
  // Runs an API route's handler inside the request's context so AWS calls below it log the
  // request id: a route-level hook, so the probes, which make no such call, don't pay for it.
  const runInRequestContext: preHandlerHookHandler = (request, _reply, done) => {
    requestContext.run({ log: request.log as unknown as Logger, requestId: request.id }, done);
  };
  app.addHook('onRoute', (route) => {
    if (route.config?.probe) return;
    route.preHandler = [runInRequestContext, ...[route.preHandler ?? []].flat()];
  });

  registerSecurityHeaders(app);
  const allowedOrigins = options.corsOrigins
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  await app.register(cors, { origin: allowedOrigins.length > 0 ? allowedOrigins : false, credentials: false });
  await app.register(rateLimit, {
    global: true,
    max: options.rateLimitPerMinute,
    timeWindow: '1 minute',
    ...(options.rateLimitStore ? { store: options.rateLimitStore as never, skipOnError: true } : {}),
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(429, `Rate limit exceeded: retry in ${Math.ceil(context.ttl / 1000)} s`, {
        type: 'urn:agora:problem:rate-limited',
      }),
  });

  app.get('/health', { config: probeConfig }, async () => ({ status: 'ok' }));
  app.get('/ready', { config: probeConfig }, async (request, reply) => {
    if (app.shuttingDown) {
      return sendProblem(reply, problemBody(503, 'Shutting down', { type: 'urn:agora:problem:unavailable' }));
    }
    try {
      await options.readiness();
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'not ready');
      return sendProblem(
        reply,
        problemBody(503, 'A dependency is unreachable', { type: 'urn:agora:problem:unavailable' }),
      );
    }
  });

  return app;
}
