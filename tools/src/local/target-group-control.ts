/**
 * A client of the gateway's target-group control API (services/gateway/src/control.ts): what the
 * ELBv2 API is to ECS. Targets are base URLs, so a driver of containers can use it unchanged.
 */
import { until } from '../wait.ts';

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining';

export interface TargetDescription {
  readonly url: string;
  readonly state: TargetState;
  readonly inFlight: number;
}

export class TargetGroupControl {
  readonly #base: string;

  constructor(base: string) {
    this.#base = base;
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.#base}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async waitUntilReachable(timeoutMs = 10_000): Promise<void> {
    await until(
      () =>
        this.describeAll().then(
          () => true,
          () => false,
        ),
      `the gateway's control API at ${this.#base}`,
      timeoutMs,
      50,
    );
  }

  describeAll(): Promise<Record<string, TargetDescription[]>> {
    return this.#call('GET', '/target-groups');
  }

  register(service: string, url: string): Promise<TargetDescription> {
    return this.#call('POST', `/target-groups/${service}/targets`, { url });
  }

  /** Answers once the target has drained (or the deregistration delay cut it off). */
  deregister(service: string, url: string): Promise<{ drainedMs: number; cutOff: number }> {
    return this.#call('DELETE', `/target-groups/${service}/targets`, { url });
  }

  /** Waits until `url` is healthy in `service`'s target group (bounded). */
  async waitUntilHealthy(service: string, url: string, timeoutMs = 30_000): Promise<void> {
    let state: string | undefined;
    await until(
      async () => {
        state = (await this.describeAll())[service]?.find((candidate) => candidate.url === url)?.state;
        return state === 'healthy';
      },
      `${url} to be healthy in ${service}'s target group`,
      timeoutMs,
      50,
    ).catch(() => {
      throw new Error(`${url} was not healthy in ${service}'s target group within ${timeoutMs} ms (${state})`);
    });
  }
}
