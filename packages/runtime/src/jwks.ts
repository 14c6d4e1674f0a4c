/**
 * The users service's public keys, as a verifier holds them. A token's `kid` is attacker-chosen,
 * so an unknown one must not cost a request to users each time: the JWKS is fetched at most once
 * per `minRefetchIntervalMs` whatever kids arrive (every kid not in the last answer is refused
 * without a fetch until then), and refreshed when older than `maxAgeMs`. A failed or malformed
 * fetch keeps the keys already known, so real tokens keep verifying while users is unreachable;
 * it is tried again after `failureRetryMs` (not the full interval: a cold verifier whose first
 * fetch timed out would otherwise refuse every real token for that long), and while the last
 * attempt failed an unknown kid means "the keys are unavailable", not "this key is not published".
 * A listening verifier fetches the keys in the background as soon as it starts (`warmUp`), so its
 * first request does not wait on a fetch that, on a loaded task, also pays for loading the HTTP client.
 */
import { createPublicKey } from 'node:crypto';
import { getJson } from './http-get.ts';

export interface JwksKeyStoreOptions {
  readonly url: string;
  /** the shortest time between two fetches, whatever triggers them */
  readonly minRefetchIntervalMs?: number;
  /** known keys are refreshed (not dropped) once the last successful fetch is this old */
  readonly maxAgeMs?: number;
  readonly fetchTimeoutMs?: number;
  /** the shortest time between two fetches after one failed (users unreachable, slow, answering 5xx) */
  readonly failureRetryMs?: number;
  readonly now?: () => number;
}

export interface JwksKeyStore {
  /** the PEM of the published ES256 key with this id, or undefined when none is published */
  publicKeyPem(kid: string): Promise<string | undefined>;
  /** whether the last fetch failed: what is not known now may simply not have been fetched */
  lastFetchFailed(): boolean;
  /**
   * Fetches the keys now, in the background, and again every `failureRetryMs` until one fetch
   * succeeds (users may start after this service); returns what stops it (on close).
   */
  warmUp(): () => void;
}

/** Only keys that can verify an ES256 signature are kept; anything else in the set is ignored. */
function es256Keys(body: unknown): Map<string, string> {
  const keys = new Map<string, string>();
  const entries = (body as { keys?: unknown })?.keys;
  if (!Array.isArray(entries)) throw new Error('the JWKS has no keys array');
  for (const entry of entries.slice(0, 20)) {
    const jwk = entry as Record<string, unknown>;
    const usable =
      typeof jwk.kid === 'string' &&
      jwk.kty === 'EC' &&
      jwk.crv === 'P-256' &&
      (jwk.alg === undefined || jwk.alg === 'ES256') &&
      (jwk.use === undefined || jwk.use === 'sig');
    if (!usable) continue;
    try {
      const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } as never, format: 'jwk' });
      keys.set(jwk.kid as string, key.export({ format: 'pem', type: 'spki' }).toString());
    } catch {
      // a malformed entry verifies nothing; the others still count
    }
  }
  return keys;
}

export function createJwksKeyStore(options: JwksKeyStoreOptions): JwksKeyStore {
  const minRefetchIntervalMs = options.minRefetchIntervalMs ?? 30_000;
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 5_000;
  const failureRetryMs = Math.min(options.failureRetryMs ?? 1_000, minRefetchIntervalMs);
  const now = options.now ?? Date.now;
  let failed = false;
  let keys = new Map<string, string>();
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  async function fetchKeys(): Promise<void> {
    try {
      const answer = await getJson(options.url, { timeoutMs: fetchTimeoutMs });
      if (answer.status < 200 || answer.status >= 300) throw new Error(`the JWKS answered ${answer.status}`);
      keys = es256Keys(answer.body);
      fetchedAt = now();
      failed = false;
    } catch {
      // keep the keys we have: the next attempt comes after failureRetryMs
      failed = true;
    }
  }

  /** One fetch at a time: a caller arriving while one is in flight waits for it. */
  function fetchOnce(): Promise<void> {
    inFlight ??= fetchKeys().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  /**
   * A fetch a request asks for: none sooner than the minimum interval after the last one a request
   * asked for. The warm-up's attempts do not count: a request arriving just after one failed (users
   * not up yet) fetches at once instead of being refused until the warm-up's next attempt.
   */
  function refetch(): Promise<void> {
    if (inFlight) return inFlight;
    if (now() - attemptedAt < (failed ? failureRetryMs : minRefetchIntervalMs)) return Promise.resolve();
    attemptedAt = now();
    return fetchOnce();
  }

  return {
    async publicKeyPem(kid) {
      if (!keys.has(kid) || now() - fetchedAt >= maxAgeMs) await refetch();
      return keys.get(kid);
    },
    lastFetchFailed: () => failed,
    warmUp() {
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const attempt = () => {
        if (stopped || fetchedAt > Number.NEGATIVE_INFINITY) return;
        void fetchOnce().then(() => {
          if (!stopped && failed) timer = setTimeout(attempt, failureRetryMs).unref();
        });
      };
      attempt();
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    },
  };
}
