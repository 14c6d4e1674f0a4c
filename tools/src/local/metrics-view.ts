/**
 * The local view of the services' metrics: the same EMF documents CloudWatch would extract, read
 * from the file `npm run up` writes them to (.agora/metrics.jsonl), summed over a recent window and
 * shown as three tables, the request path, the event path and the ingest path, as the CloudWatch
 * dashboard shows them: a rising DLQ-bound failure count or latency is visible before deploying.
 */
import { emfProblems } from '@agora/runtime/metrics';

type Document = Record<string, unknown>;

export interface RouteRow {
  readonly service: string;
  readonly route: string;
  readonly requests: number;
  readonly errors5xx: number;
  /** from the sampled latencies */
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly maxMs: number;
}

export interface ConsumerRow {
  readonly service: string;
  readonly queue: string;
  readonly processed: number;
  readonly failed: number;
  readonly maxAgeMs: number;
}

export interface IngestRow {
  readonly service: string;
  readonly filesLoaded: number;
  readonly filesFailed: number;
  readonly rows: number;
  readonly rowsRejected: number;
  readonly alertsSent: number;
  /** the mean of the files' rows per second */
  readonly rowsPerSecond: number | undefined;
}

export interface MetricsSummary {
  readonly documents: number;
  readonly invalid: number;
  readonly routes: RouteRow[];
  readonly consumers: ConsumerRow[];
  readonly ingest: IngestRow[];
}

function percentile(sorted: readonly number[], fraction: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const sample = (value: unknown) =>
  Array.isArray(value) ? (value as number[]) : typeof value === 'number' ? [value] : [];

/** Sums the documents written at or after `sinceMs` (epoch ms) into the three tables. */
export function summarizeMetrics(lines: readonly string[], sinceMs = 0): MetricsSummary {
  const documents: Document[] = [];
  let invalid = 0;
  for (const line of lines) {
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      invalid += 1;
      continue;
    }
    if (emfProblems(parsed).length > 0) {
      invalid += 1;
      continue;
    }
    const document = parsed as Document;
    if (number((document._aws as { Timestamp: number }).Timestamp) >= sinceMs) documents.push(document);
  }

  const routes = new Map<
    string,
    { service: string; route: string; requests: number; errors: number; latencies: number[]; max: number }
  >();
  const consumers = new Map<
    string,
    { service: string; queue: string; processed: number; failed: number; maxAge: number }
  >();
  const ingest = new Map<
    string,
    { service: string; loaded: number; failed: number; rows: number; rejected: number; alerts: number; rates: number[] }
  >();
  for (const document of documents) {
    const service = String(document.Service);
    if (typeof document.Route === 'string') {
      const key = `${service}\u0000${document.Route}`;
      const row = routes.get(key) ?? { service, route: document.Route, requests: 0, errors: 0, latencies: [], max: 0 };
      row.requests += number(document.Requests);
      row.errors += number(document.Errors5xx);
      row.latencies.push(...sample(document.Latency));
      row.max = Math.max(row.max, number(document.LatencyMax));
      routes.set(key, row);
    } else if (typeof document.Queue === 'string') {
      const key = `${service}\u0000${document.Queue}`;
      const row = consumers.get(key) ?? { service, queue: document.Queue, processed: 0, failed: 0, maxAge: 0 };
      row.processed += number(document.MessagesProcessed);
      row.failed += number(document.MessagesFailed);
      row.maxAge = Math.max(row.maxAge, number(document.MessageAgeMax));
      consumers.set(key, row);
    } else {
      const row = ingest.get(service) ?? { service, loaded: 0, failed: 0, rows: 0, rejected: 0, alerts: 0, rates: [] };
      row.loaded += number(document.FilesLoaded);
      row.failed += number(document.FilesFailed);
      row.rows += number(document.RowsLoaded);
      row.rejected += number(document.RowsRejected);
      row.alerts += number(document.AlertsSent);
      row.rates.push(...sample(document.IngestRowsPerSecond));
      ingest.set(service, row);
    }
  }
  return {
    documents: documents.length,
    invalid,
    routes: [...routes.values()]
      .map((row) => {
        const sorted = [...row.latencies].sort((a, b) => a - b);
        return {
          service: row.service,
          route: row.route,
          requests: row.requests,
          errors5xx: row.errors,
          p50Ms: percentile(sorted, 0.5),
          p99Ms: percentile(sorted, 0.99),
          maxMs: row.max,
        };
      })
      .sort((a, b) => a.service.localeCompare(b.service) || a.route.localeCompare(b.route)),
    consumers: [...consumers.values()]
      .map((row) => ({
        service: row.service,
        queue: row.queue,
        processed: row.processed,
        failed: row.failed,
        maxAgeMs: row.maxAge,
      }))
      .sort((a, b) => a.queue.localeCompare(b.queue)),
    ingest: [...ingest.values()]
      .filter((row) => row.loaded + row.failed + row.rows + row.alerts > 0)
      .map((row) => ({
        service: row.service,
        filesLoaded: row.loaded,
        filesFailed: row.failed,
        rows: row.rows,
        rowsRejected: row.rejected,
        alertsSent: row.alerts,
        rowsPerSecond: row.rates.length > 0 ? row.rates.reduce((a, b) => a + b, 0) / row.rates.length : undefined,
      })),
  };
}

/** One column of a table: its header and how a row's cell reads. */
type Column<Row> = readonly [header: string, cell: (row: Row) => string | number];

const ms = (value: number | undefined) => (value === undefined ? '-' : `${Math.round(value * 10) / 10}`);

/** The one printer of every table: a title, then aligned columns, or `(empty)` when there is no row. */
function section<Row>(title: string, empty: string, columns: readonly Column<Row>[], rows: readonly Row[]): string {
  if (rows.length === 0) return `\n${title}\n  (${empty})`;
  const cells = [columns.map(([header]) => header), ...rows.map((row) => columns.map(([, cell]) => String(cell(row))))];
  const widths = columns.map((_, column) => Math.max(...cells.map((line) => (line[column] ?? '').length)));
  const lines = cells.map((line) =>
    line
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  return `\n${title}\n${lines.join('\n')}`;
}

const routeColumns: readonly Column<RouteRow>[] = [
  ['service', (row) => row.service],
  ['route', (row) => row.route],
  ['requests', (row) => row.requests],
  ['5xx', (row) => row.errors5xx],
  ['p50 ms', (row) => ms(row.p50Ms)],
  ['p99 ms', (row) => ms(row.p99Ms)],
  ['max ms', (row) => ms(row.maxMs)],
];

const consumerColumns: readonly Column<ConsumerRow>[] = [
  ['service', (row) => row.service],
  ['queue', (row) => row.queue],
  ['processed', (row) => row.processed],
  ['failed', (row) => row.failed],
  ['max age ms', (row) => ms(row.maxAgeMs)],
];

const ingestColumns: readonly Column<IngestRow>[] = [
  ['service', (row) => row.service],
  ['files done', (row) => row.filesLoaded],
  ['files failed', (row) => row.filesFailed],
  ['rows', (row) => row.rows],
  ['rejected', (row) => row.rowsRejected],
  ['alerts', (row) => row.alertsSent],
  ['rows/s', (row) => (row.rowsPerSecond === undefined ? '-' : Math.round(row.rowsPerSecond))],
];

export function formatSummary(summary: MetricsSummary, windowMinutes: number): string {
  const parts = [
    `Agora metrics, last ${windowMinutes} min (${summary.documents} EMF documents)`,
    section('Request path', 'no requests', routeColumns, summary.routes),
    section('Event path', 'no messages', consumerColumns, summary.consumers),
    section('Ingest path', 'no files', ingestColumns, summary.ingest),
  ];
  if (summary.invalid > 0) parts.push(`\n${summary.invalid} line(s) were not valid EMF documents`);
  return `${parts.join('\n')}\n`;
}
