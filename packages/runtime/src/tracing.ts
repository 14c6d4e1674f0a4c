/**
 * OpenTelemetry tracing for every Agora process, started by `instrument.ts` (node --import) before
 * the app loads, so the official instrumentations patch http, undici and the AWS SDK as they load.
 * Off unless an exporter is configured and OTEL_SDK_DISABLED is not true: then nothing but this
 * file is loaded, and the @opentelemetry/api calls elsewhere are no-ops.
 *
 * Spans go in batches, by the standard variables: over OTLP/HTTP (JSON) to OTEL_EXPORTER_OTLP_ENDPOINT
 * (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), on AWS to the ADOT collector sidecar that forwards them to
 * X-Ray, in the tests to their receiver; or with OTEL_TRACES_EXPORTER=zipkin to
 * OTEL_EXPORTER_ZIPKIN_ENDPOINT, the local trace viewer (`npm run up -- --traces`). Sampling follows OTEL_TRACES_SAMPLER and
 * OTEL_TRACES_SAMPLER_ARG (the standard values), inside one rule of Agora's: a trace starts where
 * work arrives (an HTTP request, a message to process), never at a poll or a background AWS call
 * (a queue's long poll, a table stream's GetRecords), which would fill the viewer with empty traces.
 */
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import type { Sampler, SamplingResult, TracerProvider } from '@opentelemetry/sdk-trace';

export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

export interface TracingSettings {
  readonly exporter: 'otlp' | 'zipkin';
  /** where spans are POSTed (OTLP: …/v1/traces; Zipkin: …/api/v2/spans) */
  readonly tracesUrl: string;
  readonly serviceName: string;
  readonly sampler: SamplerName;
  /** the ratio of the *traceidratio samplers, 0 to 1 */
  readonly ratio: number;
  /** how long spans wait in the batch before they are sent */
  readonly batchDelayMs: number;
}

const samplerNames: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

export class TracingConfigError extends Error {
  override name = 'TracingConfigError';
}

/** The settings the environment asks for, or undefined when tracing is off; throws on a bad value. */
export function tracingSettingsFrom(env: NodeJS.ProcessEnv): TracingSettings | undefined {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return undefined;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim() || 'otlp';
  if (exporter === 'none') return undefined;
  if (exporter !== 'otlp' && exporter !== 'zipkin') {
    throw new TracingConfigError('OTEL_TRACES_EXPORTER must be otlp, zipkin or none');
  }
  let tracesUrl: string;
  if (exporter === 'zipkin') {
    tracesUrl = env.OTEL_EXPORTER_ZIPKIN_ENDPOINT?.trim() || 'http://localhost:9411/api/v2/spans';
  } else {
    const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
    const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
    if (!tracesEndpoint && !endpoint) return undefined;
    tracesUrl = tracesEndpoint || `${(endpoint as string).replace(/\/+$/, '')}/v1/traces`;
  }
  if (!/^https?:\/\/[^/]/.test(tracesUrl)) {
    throw new TracingConfigError(`The ${exporter} endpoint ${JSON.stringify(tracesUrl)} is not an http(s) URL`);
  }
  const sampler = (env.OTEL_TRACES_SAMPLER?.trim() || 'parentbased_always_on') as SamplerName;
  if (!samplerNames.includes(sampler)) {
    throw new TracingConfigError(`OTEL_TRACES_SAMPLER must be one of ${samplerNames.join(', ')}`);
  }
  const ratioText = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  const ratio = ratioText ? Number(ratioText) : 1;
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new TracingConfigError('OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1');
  }
  const delayText = env.OTEL_BSP_SCHEDULE_DELAY?.trim();
  const batchDelayMs = delayText ? Number(delayText) : 5000;
  if (!Number.isInteger(batchDelayMs) || batchDelayMs < 1) {
    throw new TracingConfigError('OTEL_BSP_SCHEDULE_DELAY must be a whole number of milliseconds');
  }
  return { exporter, tracesUrl, serviceName: env.OTEL_SERVICE_NAME?.trim() || 'agora', sampler, ratio, batchDelayMs };
}

let provider: TracerProvider | undefined;

/** Starts tracing as `settings` say (once per process); the instrumentations patch what loads next. */
export async function startTracing(settings: TracingSettings): Promise<void> {
  if (provider) return;
  const api = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
  const { registerInstrumentations } = await import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
  const { UndiciInstrumentation } = await import('@opentelemetry/instrumentation-undici');
  const { AwsInstrumentation } = await import('@opentelemetry/instrumentation-aws-sdk');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const sdk = await import('@opentelemetry/sdk-trace');
  const exporter =
    settings.exporter === 'zipkin'
      ? new (await import('@opentelemetry/exporter-zipkin')).ZipkinExporter({ url: settings.tracesUrl })
      : new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: settings.tracesUrl });

  const ratio = new sdk.TraceIdRatioBasedSampler(settings.ratio);
  const configured: Sampler = {
    always_on: new sdk.AlwaysOnSampler(),
    always_off: new sdk.AlwaysOffSampler(),
    traceidratio: ratio,
    parentbased_always_on: new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() }),
    parentbased_always_off: new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() }),
    parentbased_traceidratio: new sdk.ParentBasedSampler({ root: ratio }),
  }[settings.sampler];

  const sampler: Sampler = {
    shouldSample(context: Context, traceId, name, kind: SpanKind, attributes: Attributes, links: Link[]) {
      if (!api.trace.getSpanContext(context) && !startsATrace(kind, attributes)) {
        return { decision: sdk.SamplingDecision.NOT_RECORD } satisfies SamplingResult;
      }
      return configured.shouldSample(context, traceId, name, kind, attributes, links);
    },
    toString: () => `AgoraWorkArrives{${configured.toString()}}`,
  };

  provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    sampler,
    spanProcessors: [
      new sdk.BatchSpanProcessor({
        exporter,
        scheduledDelayMillis: settings.batchDelayMs,
      }),
    ],
  });
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Probes every few seconds are not requests anyone follows.
        ignoreIncomingRequestHook: (request) => /^\/(health|ready)(\?|$)/.test(request.url ?? ''),
        // The AWS SDK's own spans (below) name each call; the HTTP exchange under them adds nothing.
        disableOutgoingRequestInstrumentation: true,
      }),
      // The gateway's upstream requests (undici): they carry traceparent on.
      new UndiciInstrumentation(),
      new AwsInstrumentation({ suppressInternalInstrumentation: true }),
    ],
  });
}

/** SpanKind.SERVER = 1, CONSUMER = 4 (numbers, so this file loads no OpenTelemetry module when off). */
function startsATrace(kind: SpanKind, attributes: Attributes): boolean {
  if (kind === 1) return true;
  return kind === 4 && attributes['messaging.operation.type'] === 'process';
}

/** Sends the spans still in the batch and stops (on SIGTERM, after the server closed). */
export async function stopTracing(): Promise<void> {
  const stopping = provider;
  provider = undefined;
  try {
    await stopping?.shutdown();
  } catch (error) {
    // The last spans could not be sent (the collector gone first, or unreachable): that costs
    // those spans, never the clean stop (exit 0) a rolling deploy waits for.
    process.stderr.write(
      `${JSON.stringify({ level: 'warn', err: { message: (error as Error).message }, msg: 'could not flush the last spans at shutdown' })}
`,
    );
  }
}
