/** The local metrics view reads what the services write: EMF documents from the runtime's aggregator. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricsAggregator } from '@agora/runtime/metrics';
import { formatSummary, summarizeMetrics } from '../src/local/metrics-view.ts';

test('routes, consumers and the worker, summed over the window; older and invalid lines left out', () => {
  const lines: string[] = [];
  let now = 1_000_000;
  const users = new MetricsAggregator({ service: 'users', write: (line) => lines.push(line), now: () => now });
  const worker = new MetricsAggregator({
    service: 'inventory-worker',
    write: (line) => lines.push(line),
    now: () => now,
  });
  const route = { Route: 'GET /api/users' };
  users.count('Requests', route, 5);
  users.flush(); // before the window
  now = 2_000_000;
  for (let ms = 1; ms <= 100; ms++) {
    users.count('Requests', route);
    users.count('Errors5xx', route, ms > 98 ? 1 : 0);
    users.observe('Latency', route, ms);
  }
  users.count('MessagesProcessed', { Queue: 'agora-users-events' }, 3);
  users.count('MessagesFailed', { Queue: 'agora-users-events' }, 1);
  users.observe('MessageAge', { Queue: 'agora-users-events' }, 2500);
  users.flush();
  worker.count('FilesLoaded', {}, 2);
  worker.count('RowsLoaded', {}, 10);
  worker.count('RowsRejected', {}, 1);
  worker.count('AlertsSent', {}, 4);
  worker.observe('IngestRowsPerSecond', {}, 1000, 'Count/Second');
  worker.observe('IngestRowsPerSecond', {}, 3000, 'Count/Second');
  worker.flush();
  lines.push('{"msg":"not metrics"}', 'not json');

  const summary = summarizeMetrics(lines, 1_500_000);
  assert.equal(summary.invalid, 2);
  assert.deepEqual(summary.routes, [
    { service: 'users', route: 'GET /api/users', requests: 100, errors5xx: 2, p50Ms: 50, p99Ms: 99, maxMs: 100 },
  ]);
  assert.deepEqual(summary.consumers, [
    { service: 'users', queue: 'agora-users-events', processed: 3, failed: 1, maxAgeMs: 2500 },
  ]);
  assert.deepEqual(summary.ingest, [
    {
      service: 'inventory-worker',
      filesLoaded: 2,
      filesFailed: 0,
      rows: 10,
      rowsRejected: 1,
      alertsSent: 4,
      rowsPerSecond: 2000,
    },
  ]);
  const text = formatSummary(summary, 5);
  assert.match(
    text,
    /Request path\nservice +route +requests +5xx +p50 ms +p99 ms +max ms\nusers +GET \/api\/users +100 +2 +50 +99 +100/,
  );
  assert.match(text, /Event path\n.*\nusers +agora-users-events +3 +1 +2500/);
  assert.match(text, /Ingest path\n.*\ninventory-worker +2 +0 +10 +1 +4 +2000/);
});

test('an empty window prints each table with what it is waiting for', () => {
  const text = formatSummary(summarizeMetrics([]), 5);
  assert.equal(
    text,
    'Agora metrics, last 5 min (0 EMF documents)\n\nRequest path\n  (no requests)\n\nEvent path\n  (no messages)\n\nIngest path\n  (no files)\n',
  );
});
