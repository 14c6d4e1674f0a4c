/**
 * An OTLP/HTTP trace receiver on a loopback port, for tests and the tracing benchmark: it takes
 * what the services' exporters POST to /v1/traces (ExportTraceServiceRequest in the OTLP JSON
 * encoding, ids in hex as that encoding specifies) and keeps every span, with its service's name.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { until } from '../wait.ts';

/** The parts of OTLP/JSON's AnyValue and KeyValue Agora's spans use. */
interface OtlpKeyValue {
  readonly key: string;
  readonly value: { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
}

interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  /** SPAN_KIND_*: 1 internal, 2 server, 3 client, 4 producer, 5 consumer */
  readonly kind: number;
  readonly attributes?: readonly OtlpKeyValue[];
  readonly status?: { code?: number };
}

interface ExportTraceServiceRequest {
  readonly resourceSpans?: readonly {
    readonly resource?: { attributes?: readonly OtlpKeyValue[] };
    readonly scopeSpans?: readonly { spans?: readonly OtlpSpan[] }[];
  }[];
}

export interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer' | 'unspecified';
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

const kinds = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

function attributeMap(values: readonly OtlpKeyValue[] | undefined): Record<string, string | number | boolean> {
  const map: Record<string, string | number | boolean> = {};
  for (const { key, value } of values ?? []) {
    const plain = value.stringValue ?? value.boolValue ?? value.doubleValue ?? value.intValue;
    if (plain !== undefined)
      map[key] = typeof plain === 'string' && value.intValue !== undefined ? Number(plain) : plain;
  }
  return map;
}

/** The spans of one OTLP/JSON export request, flattened. */
export function spansOf(request: ExportTraceServiceRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(attributeMap(resourceSpans.resource?.attributes)['service.name'] ?? '');
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        service,
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId || undefined,
        name: span.name,
        kind: kinds[span.kind] ?? 'unspecified',
        attributes: attributeMap(span.attributes),
      })),
    );
  });
}

export interface OtlpReceiver {
  /** the base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT */
  readonly endpoint: string;
  readonly spans: readonly ReceivedSpan[];
  /** export requests received, and their bytes (the benchmark counts them) */
  readonly requests: number;
  readonly bytes: number;
  /** Waits until some span satisfies `match` (bounded), and returns it. */
  waitForSpan(match: (span: ReceivedSpan) => boolean, what: string, timeoutMs?: number): Promise<ReceivedSpan>;
  /** every span of a trace */
  trace(traceId: string): ReceivedSpan[];
  close(): Promise<void>;
}

/** The largest export request taken (the SDK sends at most 512 spans per request). */
const maxBodyBytes = 16 * 1024 * 1024;

/**
 * `keep: false` (the benchmark): every export is answered and counted, its spans neither parsed nor
 * kept, so the receiver's own work stays out of the figures of the process under test.
 */
export async function startOtlpReceiver(options: { keep?: boolean } = {}): Promise<OtlpReceiver> {
  const keep = options.keep ?? true;
  const spans: ReceivedSpan[] = [];
  let requests = 0;
  let bytes = 0;
  const server: Server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/traces') {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > maxBodyBytes || !/json/.test(request.headers['content-type'] ?? '')) {
        response.writeHead(size > maxBodyBytes ? 413 : 415).end();
        return;
      }
      try {
        if (keep)
          spans.push(...spansOf(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportTraceServiceRequest));
        bytes += size;
        requests += 1;
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch {
        response.writeHead(400).end();
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    get requests() {
      return requests;
    },
    get bytes() {
      return bytes;
    },
    async waitForSpan(match, what, timeoutMs = 30_000) {
      await until(() => spans.some(match), what, timeoutMs, 100);
      return spans.find(match) as ReceivedSpan;
    },
    trace: (traceId) => spans.filter((span) => span.traceId === traceId),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
