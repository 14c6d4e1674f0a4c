/**
 * Metrics as CloudWatch Embedded Metric Format (EMF) log lines: no agent, no API call. CloudWatch
 * Logs extracts them from the task's log stream (ECS's awslogs driver), locally `npm run metrics`
 * reads the same lines. What is measured is aggregated in memory and written once per interval (60 s
 * by default, METRICS_INTERVAL_SECONDS) and at shutdown, one document per dimension set: a busy route
 * costs one line a minute, not one per request on top of the access log.
 *
 * A count is a sum over the interval. A distribution (a latency) keeps a uniform sample of at most
 * 100 values per interval (reservoir sampling; EMF's limit of values per metric), with its exact count,
 * sum and maximum beside it: CloudWatch's percentiles come from the sample, averages and totals from
 * the exact figures. (The p99 alarm on AWS uses the load balancer's own TargetResponseTime.)
 */

export const metricsNamespace = 'Agora';
/** EMF allows at most 100 values for one metric in one document. */
export const maxSampleValues = 100;

export type Unit = 'Count' | 'Milliseconds' | 'Seconds' | 'Count/Second';
export type Dimensions = Readonly<Record<string, string>>;

interface Distribution {
  unit: Unit;
  count: number;
  sum: number;
  max: number;
  sample: number[];
}

interface Series {
  readonly dimensions: Dimensions;
  readonly counts: Map<string, { unit: Unit; value: number }>;
  readonly distributions: Map<string, Distribution>;
}

/** One EMF document (the JSON of one log line). */
export interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: Unit }[];
    }[];
  };
  readonly [member: string]: unknown;
}

export interface MetricsOptions {
  /** the Service dimension of every metric */
  readonly service: string;
  readonly namespace?: string;
  /** where each document goes, one line each (stdout by default) */
  readonly write?: (line: string) => void;
  readonly now?: () => number;
  /** a number in [0, 1) (reservoir sampling; Math.random by default) */
  readonly random?: () => number;
}

export class MetricsAggregator {
  readonly service: string;
  readonly #namespace: string;
  readonly #write: (line: string) => void;
  readonly #now: () => number;
  readonly #random: () => number;
  #series = new Map<string, Series>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: MetricsOptions) {
    this.service = options.service;
    this.#namespace = options.namespace ?? metricsNamespace;
    this.#write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  /** Each dimension set's key, kept per object: a caller passing the same object (a route's) pays for it once. */
  readonly #keys = new WeakMap<Dimensions, string>();

  #seriesOf(dimensions: Dimensions): Series {
    let key = this.#keys.get(dimensions);
    if (key === undefined) {
      key = JSON.stringify(
        Object.entries({ Service: this.service, ...dimensions }).sort(([a], [b]) => a.localeCompare(b)),
      );
      this.#keys.set(dimensions, key);
    }
    let series = this.#series.get(key);
    if (!series) {
      series = { dimensions: { Service: this.service, ...dimensions }, counts: new Map(), distributions: new Map() };
      this.#series.set(key, series);
    }
    return series;
  }

  /** Adds `value` (1 by default) to a count for this interval. */
  count(name: string, dimensions: Dimensions = {}, value = 1, unit: Unit = 'Count'): void {
    const counts = this.#seriesOf(dimensions).counts;
    const current = counts.get(name);
    if (current) current.value += value;
    else counts.set(name, { unit, value });
  }

  /** Records one value of a distribution (a latency, an age, a rate). */
  observe(name: string, dimensions: Dimensions, value: number, unit: Unit = 'Milliseconds'): void {
    if (!Number.isFinite(value)) return;
    const distributions = this.#seriesOf(dimensions).distributions;
    let distribution = distributions.get(name);
    if (!distribution) {
      distribution = { unit, count: 0, sum: 0, max: Number.NEGATIVE_INFINITY, sample: [] };
      distributions.set(name, distribution);
    }
    distribution.count += 1;
    distribution.sum += value;
    distribution.max = Math.max(distribution.max, value);
    if (distribution.sample.length < maxSampleValues) {
      distribution.sample.push(value);
    } else {
      // Algorithm R: every value seen so far stays in the sample with the same probability.
      const slot = Math.floor(this.#random() * distribution.count);
      if (slot < maxSampleValues) distribution.sample[slot] = value;
    }
  }

  /** The interval's documents, and a fresh interval. */
  drain(): EmfDocument[] {
    const series = [...this.#series.values()];
    this.#series = new Map();
    const timestamp = this.#now();
    return series.map(({ dimensions, counts, distributions }) => {
      const metrics: { Name: string; Unit: Unit }[] = [];
      const values: Record<string, unknown> = {};
      for (const [name, { unit, value }] of counts) {
        metrics.push({ Name: name, Unit: unit });
        values[name] = value;
      }
      for (const [name, distribution] of distributions) {
        metrics.push({ Name: name, Unit: distribution.unit });
        values[name] = distribution.sample.map((value) => Math.round(value * 1000) / 1000);
        // Exact figures beside the sample, as plain members (not metrics): the local view reads them.
        values[`${name}Count`] = distribution.count;
        values[`${name}Sum`] = Math.round(distribution.sum * 1000) / 1000;
        values[`${name}Max`] = Math.round(distribution.max * 1000) / 1000;
      }
      return {
        _aws: {
          Timestamp: timestamp,
          CloudWatchMetrics: [{ Namespace: this.#namespace, Dimensions: [Object.keys(dimensions)], Metrics: metrics }],
        },
        ...dimensions,
        ...values,
      };
    });
  }

  /** Writes the interval's documents, one line each (nothing when nothing was measured). */
  flush(): void {
    for (const document of this.drain()) this.#write(JSON.stringify(document));
  }

  /** Flushes every `intervalMs` (the timer does not keep the process alive). */
  start(intervalMs: number): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.flush(), intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and writes what the last interval measured (on SIGTERM). */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.flush();
  }
}

/** The number of seconds between two flushes, from METRICS_INTERVAL_SECONDS (60 by default). */
export function metricsIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.METRICS_INTERVAL_SECONDS ?? 60);
  return Number.isFinite(seconds) && seconds >= 1 ? seconds * 1000 : 60_000;
}

let current: MetricsAggregator | undefined;

/**
 * The process's aggregator, named for its service and flushing on its interval from the first call
 * (runService and runWorker make it; the routes, consumers and the worker record into it).
 */
export function startProcessMetrics(service: string, env: NodeJS.ProcessEnv = process.env): MetricsAggregator {
  if (!current) {
    current = new MetricsAggregator({ service });
    current.start(metricsIntervalMs(env));
  }
  return current;
}

/** The process's aggregator, or undefined where none was started (unit tests, tools). */
export function processMetrics(): MetricsAggregator | undefined {
  return current;
}

/** Writes the last interval and stops (lifecycle's shutdown). */
export function stopProcessMetrics(): void {
  current?.stop();
  current = undefined;
}

const units = new Set<string>(['Count', 'Milliseconds', 'Seconds', 'Count/Second']);

/**
 * What makes a parsed log line an invalid EMF document, as the specification says (empty: valid):
 * each declared dimension and metric is a member of the root, a metric's value is a number or at
 * most 100 numbers, at most 30 dimensions and 100 metrics per directive.
 */
export function emfProblems(line: unknown): string[] {
  if (typeof line !== 'object' || line === null) return ['not an object'];
  const document = line as Record<string, unknown>;
  const aws = document._aws as EmfDocument['_aws'] | undefined;
  if (!aws || typeof aws !== 'object') return ['no _aws member'];
  const problems: string[] = [];
  if (!Number.isInteger(aws.Timestamp) || aws.Timestamp <= 0) problems.push('_aws.Timestamp is not epoch milliseconds');
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0) {
    return [...problems, '_aws.CloudWatchMetrics is not a non-empty array'];
  }
  for (const directive of aws.CloudWatchMetrics) {
    if (typeof directive.Namespace !== 'string' || directive.Namespace.length === 0) problems.push('no Namespace');
    for (const set of directive.Dimensions ?? []) {
      if (set.length > 30) problems.push('more than 30 dimensions');
      for (const name of set) {
        if (typeof document[name] !== 'string') problems.push(`dimension ${name} is not a string member`);
      }
    }
    if (!Array.isArray(directive.Metrics) || directive.Metrics.length > 100) problems.push('Metrics: 1 to 100 needed');
    for (const metric of directive.Metrics ?? []) {
      if (metric.Unit !== undefined && !units.has(metric.Unit)) problems.push(`${metric.Name}: unit ${metric.Unit}`);
      const value = document[metric.Name];
      const valid =
        (typeof value === 'number' && Number.isFinite(value)) ||
        (Array.isArray(value) &&
          value.length <= maxSampleValues &&
          value.every((item) => typeof item === 'number' && Number.isFinite(item)));
      if (!valid) problems.push(`metric ${metric.Name} has no number (or up to 100 numbers) as its value`);
    }
  }
  return problems;
}
