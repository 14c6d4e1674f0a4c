/**
 * What an ALB target group does, for one service: its registered targets (base URLs, so a task
 * process or a container alike), each health-checked on the readiness path; traffic goes round
 * robin to the healthy ones (to all but the draining ones when none is healthy: the ALB fails
 * open); deregistering a target stops new requests to it at once, lets its in-flight requests
 * finish for up to the deregistration delay (ending early when none is left), then cuts it off.
 */

import type { Logger } from 'pino';
import { Pool } from 'undici';

export interface TargetGroupSettings {
  readonly healthCheckPath: string;
  readonly healthCheckIntervalMs: number;
  readonly healthCheckTimeoutMs: number;
  readonly healthyThresholdCount: number;
  readonly unhealthyThresholdCount: number;
  readonly deregistrationDelayMs: number;
  /** how long an upstream may take to send its headers, and to send the next chunk of a body */
  readonly upstreamTimeoutMs: number;
}

/** The ALB's target states (`unused` is a target no longer registered). */
export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining';

export interface TargetDescription {
  readonly url: string;
  readonly state: TargetState;
  readonly inFlight: number;
}

export class Target {
  readonly url: string;
  readonly pool: Pool;
  state: TargetState = 'initial';
  inFlight = 0;
  passes = 0;
  failures = 0;
  #idle: (() => void)[] = [];

  constructor(url: string, settings: TargetGroupSettings) {
    this.url = url;
    // No connection cap: concurrency is bounded by the gateway's gates (request slots with a
    // bounded wait, stream slots apart), so a request never queues here. A capped pool is what
    // issue 17 item 2 was: @fastify/reply-from's 128 connections, filled by 128 live feeds, and a
    // request queued behind them with no timeout (long-lived-streams.test.ts fails with a cap).
    this.pool = new Pool(url, {
      connections: null,
      headersTimeout: settings.upstreamTimeoutMs,
      bodyTimeout: settings.upstreamTimeoutMs,
      connectTimeout: Math.min(settings.upstreamTimeoutMs, 10_000),
    });
  }

  /** Counts one request against this target until the returned function is called. */
  begin(): () => void {
    this.inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
    };
  }

  whenIdle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.#idle.push(resolve));
  }

  describe(): TargetDescription {
    return { url: this.url, state: this.state, inFlight: this.inFlight };
  }
}

export class TargetGroup {
  readonly service: string;
  readonly #settings: TargetGroupSettings;
  readonly #log: Logger;
  readonly #targets = new Map<string, Target>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #next = 0;
  #closed = false;

  constructor(service: string, settings: TargetGroupSettings, log: Logger) {
    this.service = service;
    this.#settings = settings;
    this.#log = log;
  }

  /** Registers a target (idempotent); it receives traffic once healthy, like a new ALB target. */
  register(url: string): TargetDescription {
    const normalized = new URL(url).origin;
    const existing = this.#targets.get(normalized);
    if (existing && existing.state !== 'draining') return existing.describe();
    if (existing) throw new Error(`${normalized} is still draining from ${this.service}`);
    const target = new Target(normalized, this.#settings);
    this.#targets.set(normalized, target);
    this.#log.info({ service: this.service, target: normalized }, 'target registered');
    this.#scheduleCheck(target, 0);
    return target.describe();
  }

  /**
   * Stops sending new requests to the target, waits for its in-flight ones (at most the
   * deregistration delay), then closes its connections. Resolves with how it ended.
   */
  async deregister(url: string): Promise<{ readonly drainedMs: number; readonly cutOff: number } | undefined> {
    const target = this.#targets.get(new URL(url).origin);
    if (!target || target.state === 'draining') return undefined;
    const started = Date.now();
    target.state = 'draining';
    clearTimeout(this.#timers.get(target.url));
    this.#timers.delete(target.url);
    this.#log.info({ service: this.service, target: target.url, inFlight: target.inFlight }, 'target draining');
    let timer: NodeJS.Timeout | undefined;
    const delayElapsed = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#settings.deregistrationDelayMs);
    });
    await Promise.race([target.whenIdle(), delayElapsed]);
    clearTimeout(timer);
    const cutOff = target.inFlight;
    this.#targets.delete(target.url);
    await target.pool.destroy().catch(() => {});
    const drainedMs = Date.now() - started;
    this.#log.info({ service: this.service, target: target.url, drainedMs, cutOff }, 'target deregistered');
    return { drainedMs, cutOff };
  }

  describe(): TargetDescription[] {
    return [...this.#targets.values()].map((target) => target.describe());
  }

  /** The target for the next request, or undefined when none is registered. */
  pick(): Target | undefined {
    const all = [...this.#targets.values()];
    const healthy = all.filter((target) => target.state === 'healthy');
    const candidates = healthy.length > 0 ? healthy : all.filter((target) => target.state !== 'draining');
    if (candidates.length === 0) return undefined;
    this.#next = (this.#next + 1) % candidates.length;
    return candidates[this.#next];
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await Promise.all([...this.#targets.values()].map((target) => target.pool.destroy().catch(() => {})));
    this.#targets.clear();
  }

  #scheduleCheck(target: Target, delayMs: number): void {
    if (this.#closed) return;
    const timer = setTimeout(async () => {
      const passed = await this.#check(target);
      if (this.#targets.get(target.url) !== target || target.state === 'draining') return;
      this.#record(target, passed);
      this.#scheduleCheck(target, this.#settings.healthCheckIntervalMs);
    }, delayMs);
    timer.unref();
    this.#timers.set(target.url, timer);
  }

  async #check(target: Target): Promise<boolean> {
    try {
      const response = await target.pool.request({
        method: 'GET',
        path: this.#settings.healthCheckPath,
        headersTimeout: this.#settings.healthCheckTimeoutMs,
        bodyTimeout: this.#settings.healthCheckTimeoutMs,
        signal: AbortSignal.timeout(this.#settings.healthCheckTimeoutMs),
      });
      await response.body.dump();
      return response.statusCode === 200;
    } catch {
      return false;
    }
  }

  #record(target: Target, passed: boolean): void {
    const before = target.state;
    if (passed) {
      target.failures = 0;
      target.passes++;
      if (target.passes >= this.#settings.healthyThresholdCount) target.state = 'healthy';
    } else {
      target.passes = 0;
      target.failures++;
      if (target.failures >= this.#settings.unhealthyThresholdCount) target.state = 'unhealthy';
    }
    if (target.state !== before) {
      this.#log.info({ service: this.service, target: target.url, state: target.state }, 'target health changed');
    }
  }
}

/** One target group per routed service. */
export type TargetGroups = ReadonlyMap<string, TargetGroup>;
