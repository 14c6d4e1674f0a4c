/**
 * Waiting between retries, one way everywhere: exponential backoff with full jitter (the AWS
 * architecture blog's recommendation), an attempt cap, and a sleep a stop signal cuts short.
 */
export interface Backoff {
  readonly baseMs: number;
  readonly capMs: number;
  readonly maxAttempts: number;
}

export const defaultBackoff: Backoff = { baseMs: 25, capMs: 2000, maxAttempts: 10 };

/** The delay before retry number `attempt` (1 for the first retry): uniform in [0, min(cap, base × 2^attempt)). */
export function jitteredDelay(attempt: number, backoff: Backoff): number {
  return Math.random() * Math.min(backoff.capMs, backoff.baseMs * 2 ** attempt);
}

/** Resolves after `ms`, or at once when `signal` aborts (a stopping loop must not wait out its backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
