/**
 * The server span of each HTTP request, started from Fastify's own hooks through the OpenTelemetry
 * API (the SDK's tracer, its context manager, the W3C propagator that tracing.ts registers):
 * named `METHOD /route` from the start, with the request id (`agora.request_id`) on it, continuing
 * the caller's trace (`traceparent`) and active for every hook and the handler, so the AWS SDK's and
 * undici's spans below it are its children and log lines carry its ids.
 *
 * Why not @opentelemetry/instrumentation-http for incoming requests (measured, `npm run
 * bench:tracing`): it rebinds the request's and the response's event emitters to the span's context
 * on every request (each listener Node and Fastify add is wrapped again), collects URL, socket and
 * header attributes, and records a duration metric, all before Fastify knows the route it renames
 * the span to. Fastify already has each request's route, id and status in its hooks, and re-entering
 * the span's context where the lifecycle resumes after the body is read (preValidation) is all the
 * binding a request needs. It cost about a third of tracing's CPU per request.
 *
 * Off (no hook at all) unless tracing was started. Probes (/health, /ready) get no span.
 */
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tracingStarted } from './tracing.ts';

const tracer = trace.getTracer('@agora/runtime');
const requestTrace = Symbol('agora.requestTrace');
type TracedRequest = FastifyRequest & { [requestTrace]?: { readonly span: Span; readonly context: Context } };
const probes = new Set(['/health', '/ready']);

/** The path of a request URL without its query (which may hold what a span must not keep). */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Traces every request of `app` (register before the hooks whose work it should cover). */
export function traceRequests(app: FastifyInstance): void {
  if (!tracingStarted()) return;
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && probes.has(route)) {
      done();
      return;
    }
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const attributes: Record<string, string> = {
      'http.request.method': request.method,
      'url.path': pathOf(request.url),
      'agora.request_id': request.id,
    };
    if (route !== undefined) attributes['http.route'] = route;
    const name = route === undefined ? request.method : `${request.method} ${route}`;
    const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    const active = trace.setSpan(parent, span);
    (request as TracedRequest)[requestTrace] = { span, context: active };
    context.with(active, done);
  });
  // The lifecycle resumes here from the request stream's events once the body is read: in the
  // span's context again for validation, the handlers and what they call.
  app.addHook('preValidation', (request, _reply, done) => {
    const traced = (request as TracedRequest)[requestTrace];
    if (traced) context.with(traced.context, done);
    else done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const traced = (request as TracedRequest)[requestTrace];
    if (traced) {
      traced.span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) traced.span.setStatus({ code: SpanStatusCode.ERROR });
      traced.span.end();
    }
    done();
  });
  // The client went away before the answer: the span ends there, marked so.
  app.addHook('onRequestAbort', (request, done) => {
    const traced = (request as TracedRequest)[requestTrace];
    if (traced) {
      traced.span.setAttribute('error.type', 'aborted');
      traced.span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client closed the connection' });
      traced.span.end();
    }
    done();
  });
}
