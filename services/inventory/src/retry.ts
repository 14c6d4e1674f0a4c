/** Exponential backoff with full jitter (the AWS architecture blog's recommendation). */
export interface Backoff {
  readonly baseMs: number;
  readonly capMs: number;
  readonly maxAttempts: number;
}

export const defaultBackoff: Backoff = { baseMs: 25, capMs: 2000, maxAttempts: 10 };

export function jitteredDelay(attempt: number, backoff: Backoff): number {
  return Math.random() * Math.min(backoff.capMs, backoff.baseMs * 2 ** attempt);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
