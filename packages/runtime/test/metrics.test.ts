import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emfProblems, MetricsAggregator, maxSampleValues } from '../src/metrics.ts';

function aggregator(random = Math.random) {
  const lines: string[] = [];
  const metrics = new MetricsAggregator({
    service: 'users',
    write: (line) => lines.push(line),
    now: () => 1_700_000_000_000,
    random,
  });
  return { metrics, lines, documents: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('metrics aggregated per interval as EMF', () => {
  test('a thousand requests on two routes are two lines, with exact counts, sums and maxima', () => {
    const { metrics, documents } = aggregator();
    for (let index = 0; index < 1000; index++) {
      const dimensions = { Route: index % 4 === 0 ? 'POST /api/users' : 'GET /api/users' };
      metrics.count('Requests', dimensions);
      metrics.count('Errors5xx', dimensions, index % 100 === 0 ? 1 : 0);
      metrics.observe('Latency', dimensions, index % 10);
    }
    metrics.flush();
    const written = documents();
    assert.equal(written.length, 2);
    const post = written.find((document) => document.Route === 'POST /api/users') as Record<string, unknown>;
    assert.equal(post.Service, 'users');
    assert.equal(post.Requests, 250);
    assert.equal(post.Errors5xx, 10);
    assert.equal(post.LatencyCount, 250);
    assert.equal(post.LatencyMax, 8);
    // index % 4 === 0 → index % 10 cycles 0, 4, 8, 2, 6: 50 of each
    assert.equal(post.LatencySum, 50 * (0 + 4 + 8 + 2 + 6));
    assert.equal((post.Latency as number[]).length, maxSampleValues);
    assert.deepEqual(emfProblems(post), []);
    const aws = post._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: unknown[] }[] };
    assert.deepEqual(aws.CloudWatchMetrics[0]?.Dimensions, [['Service', 'Route']]);
    assert.deepEqual(aws.CloudWatchMetrics[0]?.Metrics, [
      { Name: 'Requests', Unit: 'Count' },
      { Name: 'Errors5xx', Unit: 'Count' },
      { Name: 'Latency', Unit: 'Milliseconds' },
    ]);
  });

  test('a flush starts a new interval; an empty interval writes nothing', () => {
    const { metrics, lines } = aggregator();
    metrics.count('FilesLoaded');
    metrics.flush();
    metrics.flush();
    assert.equal(lines.length, 1);
    metrics.count('FilesLoaded', {}, 2);
    metrics.stop();
    assert.equal(lines.length, 2);
    assert.equal(JSON.parse(lines[1] as string).FilesLoaded, 2);
  });

  test('the sample is uniform: the late values of a long interval are kept as often as the early ones', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const { metrics, documents } = aggregator(random);
    // 10,000 values: the first half 1, the second half 2.
    for (let index = 0; index < 10_000; index++) metrics.observe('MessageAge', { Queue: 'q' }, index < 5000 ? 1 : 2);
    metrics.flush();
    const sample = documents()[0]?.MessageAge as number[];
    const late = sample.filter((value) => value === 2).length;
    assert.ok(late > 30 && late < 70, `${late} of 100 sampled values from the second half`);
  });

  test('invalid documents are named as such', () => {
    assert.deepEqual(emfProblems({ msg: 'a log line' }), ['no _aws member']);
    const bad = {
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [{ Namespace: 'Agora', Dimensions: [['Service']], Metrics: [{ Name: 'X', Unit: 'Count' }] }],
      },
      X: 'three',
    };
    assert.deepEqual(emfProblems(bad), [
      'dimension Service is not a string member',
      'metric X has no number (or up to 100 numbers) as its value',
    ]);
  });
});
