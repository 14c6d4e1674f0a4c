/**
 * A bounded number of slots with a bounded wait: a request that cannot get a slot in time is
 * refused (the caller answers 503 with Retry-After) instead of queueing forever.
 */
export type Release = () => void;

export class ConcurrencyGate {
  readonly #limit: number;
  #inUse = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  get inUse(): number {
    return this.#inUse;
  }

  /** A slot now, or undefined when every slot is taken. */
  tryAcquire(): Release | undefined {
    if (this.#inUse >= this.#limit) return undefined;
    this.#inUse++;
    return this.#releaser();
  }

  /** A slot within `timeoutMs`, or undefined (timed out, or `signal` aborted while waiting). */
  acquire(timeoutMs: number, signal?: AbortSignal): Promise<Release | undefined> {
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const grant = () => {
        cleanup();
        this.#inUse++;
        resolve(this.#releaser());
      };
      const giveUp = () => {
        cleanup();
        resolve(undefined);
      };
      const timer = setTimeout(giveUp, timeoutMs);
      signal?.addEventListener('abort', giveUp, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        const index = this.#waiting.indexOf(grant);
        if (index !== -1) this.#waiting.splice(index, 1);
      };
      this.#waiting.push(grant);
    });
  }

  #releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inUse--;
      this.#waiting[0]?.();
    };
  }
}
