/**
 * What the services' code does with traces, through the OpenTelemetry API only (a no-op when
 * tracing is off, see tracing.ts): put the trace ids on log lines, name a request's span by its
 * route with the request id on it, and carry a trace across SNS/SQS (W3C traceparent in message
 * attributes) and S3 (in the object's metadata).
 */
import type { MessageAttributeValue as SnsAttribute } from '@aws-sdk/client-sns';
import type { Message } from '@aws-sdk/client-sqs';
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

const tracer = trace.getTracer('@agora/runtime');

/** The log line's trace_id and span_id (pino mixin), when a recorded span is current. */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return traceFlags & 1 ? { trace_id: traceId, span_id: spanId } : {};
}

/** The current request's span: named `METHOD /route` (the route, not the path), with its request id. */
export function nameRequestSpan(method: string, route: string | undefined, requestId: string): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  if (route) {
    span.updateName(`${method} ${route}`);
    span.setAttribute('http.route', route);
  }
  span.setAttribute('agora.request_id', requestId);
}

/** The current trace as W3C headers ({ traceparent, tracestate? }): empty when nothing is traced. */
export function currentTraceCarrier(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The trace context names a message or object carries it under (traceparent, tracestate). */
export function traceCarrierFields(): string[] {
  const fields = propagation.fields();
  return fields.length > 0 ? fields : ['traceparent', 'tracestate'];
}

/** SNS message attributes carrying the current trace (SNS raw delivery passes them on to SQS). */
export function traceMessageAttributes(): Record<string, SnsAttribute> {
  return Object.fromEntries(
    Object.entries(currentTraceCarrier()).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );
}

/**
 * The trace a carrier (an SQS message's attributes, an S3 object's metadata) continues; `base`
 * (a new trace by default) when it carries none.
 */
export function contextFrom(
  carrier: Readonly<Record<string, string | undefined>> | undefined,
  base: Context = ROOT_CONTEXT,
): Context {
  return propagation.extract(base, carrier ?? {}, {
    keys: (values) => Object.keys(values),
    get: (values, key) => values[key],
  });
}

export function messageTraceCarrier(message: Message): Record<string, string | undefined> {
  const carrier: Record<string, string | undefined> = {};
  for (const [name, attribute] of Object.entries(message.MessageAttributes ?? {})) {
    carrier[name] = attribute.StringValue;
  }
  return carrier;
}

/**
 * Runs `work` in a span continuing `parent` (a consumer's message, a worker's file): SpanKind
 * CONSUMER, operation `process`, ended when the work settles, its status an error if it threw.
 */
export async function inProcessSpan<T>(
  name: string,
  parent: Context,
  attributes: Record<string, string | number>,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  // The span this one was reached from, when it belongs to another trace (the worker's message).
  const from = trace.getActiveSpan()?.spanContext();
  const links = from && from.traceId !== trace.getSpanContext(parent)?.traceId ? [{ context: from }] : [];
  return tracer.startActiveSpan(
    name,
    { kind: SpanKind.CONSUMER, attributes: { 'messaging.operation.type': 'process', ...attributes }, links },
    parent,
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** The current trace context (the base for a carrier that may hold none). */
export function currentContext(): Context {
  return context.active();
}

/** Renames the current span (a consumer's span once it knows the event type). */
export function renameCurrentSpan(name: string): void {
  trace.getActiveSpan()?.updateName(name);
}
