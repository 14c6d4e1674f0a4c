/**
 * Waiting for something to become true, one way for tests and tools alike: every wait is bounded,
 * polls at a short interval, and fails naming what it waited for.
 */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads until `done` holds or `timeoutMs` passes, and returns the last value read, so the test
 * asserts on it (eventual consistency through events and streams).
 */
export async function eventually<T>(
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await pause(intervalMs);
    value = await read();
  }
  return value;
}

/** Waits until `check` holds; throws naming `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(intervalMs);
  }
}

export interface WaitForHttpOptions {
  /** the statuses that end the wait (default: any 2xx) */
  readonly accept?: (status: number) => boolean;
  readonly timeoutMs?: number;
  /** checked before each try: a reason to give up at once (the process meant to answer has exited) */
  readonly giveUpIf?: () => string | undefined;
}

/** Waits until GET `url` answers with a status `accept` takes (refused connections are retried); returns it. */
export async function waitForHttp(url: string, options: WaitForHttpOptions = {}): Promise<number> {
  const accept = options.accept ?? ((status) => status >= 200 && status < 300);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const reason = options.giveUpIf?.();
    if (reason) throw new Error(`gave up waiting for ${url}: ${reason}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
      await response.body?.cancel();
      if (accept(response.status)) return response.status;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await pause(100);
  }
  throw new Error(`${url} did not answer as expected within ${timeoutMs} ms (last: ${last})`);
}
