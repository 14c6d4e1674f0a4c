/**
 * A bounded, mixed read/write load through the gateway (loopback only): list pages (forum and
 * inventory), read one item, post messages, create topics, register users. Every answer that is not the expected 2xx
 * (or no answer within the timeout) is a failure; every write that got a 2xx is remembered, so
 * `verify` can read each back afterwards.
 */
import { callApi } from '../cli/api-call.ts';

export interface PhaseFigures {
  readonly phase: string;
  readonly sent: number;
  readonly failed: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** the first few failures, for the report */
  readonly failures: readonly string[];
}

export interface PhaseBounds {
  /** the phase ends when this settles (say, the rollout finished) … */
  readonly until?: Promise<unknown>;
  /** … or after this many requests, or this long, whichever comes first */
  readonly maxRequests: number;
  readonly maxDurationMs: number;
}

interface Write {
  readonly kind: 'user' | 'topic' | 'message';
  /** where it is read back: the item itself, or (messages) the topic's pages that must list it */
  readonly readBack: string;
  readonly id: string;
}

const password = 'rehearsal-password-1';
const requestTimeoutMs = 10_000;

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
}

export class MixedLoad {
  readonly #gateway: string;
  readonly #concurrency: number;
  readonly #tag = `r${Date.now().toString(36)}`;
  readonly #tokens: string[] = [];
  readonly #topics: string[] = [];
  readonly #writes: Write[] = [];
  #counter = 0;
  /** numbers every operation across phases (names made from it stay unique) */
  #operations = 0;

  constructor(gatewayUrl: string, concurrency = 4) {
    this.#gateway = gatewayUrl;
    this.#concurrency = concurrency;
  }

  get writes(): number {
    return this.#writes.length;
  }

  /** Users to act as and topics to post in, before any figure is taken. */
  async prepare(users = 3, topics = 3): Promise<void> {
    for (let index = 0; index < users; index++) {
      const username = `${this.#tag}u${index}`;
      const registered = await callApi(this.#gateway, 'POST', '/api/users', {
        username,
        password,
        displayName: `Rehearsal ${index}`,
      });
      if (registered.status !== 201) throw new Error(`registering ${username}: ${registered.status}`);
      const login = await callApi(this.#gateway, 'POST', '/api/auth/login', { username, password });
      if (login.status !== 200) throw new Error(`logging in ${username}: ${login.status}`);
      this.#tokens.push(login.body.accessToken as string);
    }
    for (let index = 0; index < topics; index++) {
      const created = await callApi(
        this.#gateway,
        'POST',
        '/api/topics',
        { title: `rehearsal ${index}` },
        this.#token(),
      );
      if (created.status !== 201) throw new Error(`creating a topic: ${created.status}`);
      this.#topics.push(created.body.topicId as string);
    }
    // The messages service learns of a topic through an event: wait (bounded) until each is postable.
    const deadline = Date.now() + 15_000;
    for (const topicId of this.#topics) {
      while ((await callApi(this.#gateway, 'GET', `/api/topics/${topicId}/messages?limit=1`)).status !== 200) {
        if (Date.now() > deadline) throw new Error(`topic ${topicId} did not become postable`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  #token(): string {
    return this.#tokens[this.#counter % this.#tokens.length] as string;
  }

  #topic(): string {
    return this.#topics[this.#counter % this.#topics.length] as string;
  }

  /** One operation of the mix; resolves with a failure description, or undefined. */
  async #operate(n: number): Promise<string | undefined> {
    this.#counter = n;
    const choice = n % 10;
    const call = async (method: string, path: string, expected: number, body?: unknown, token?: string) => {
      const response = await fetch(`${this.#gateway}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const text = await response.text();
      if (response.status !== expected)
        return { failure: `${method} ${path}: ${response.status} ${text.slice(0, 160)}` };
      return { body: (text ? JSON.parse(text) : {}) as Record<string, string> };
    };
    const write = async (
      kind: Write['kind'],
      path: string,
      body: unknown,
      id: string,
      readBack: (v: string) => string,
    ) => {
      const answer = await call('POST', path, 201, body, this.#token());
      if ('failure' in answer) return answer.failure;
      const written = String(answer.body[id]);
      this.#writes.push({ kind, id: written, readBack: readBack(written) });
      return undefined;
    };
    let answer: { failure?: string } | string | undefined;
    if (choice === 0 || choice === 5 || choice === 8) {
      const listing = `/api/topics/${this.#topic()}/messages`;
      answer = await write('message', listing, { body: `message ${n}` }, 'messageId', () => listing);
    } else if (choice === 3) {
      answer = await write('topic', '/api/topics', { title: `topic ${n}` }, 'topicId', (id) => `/api/topics/${id}`);
    } else if (choice === 7 && n % 30 === 7) {
      const body = { username: `${this.#tag}n${n}`, password, displayName: `New ${n}` };
      answer = await write('user', '/api/users', body, 'userId', (id) => `/api/users/${id}`);
    } else if (choice === 1 || choice === 7) {
      answer = await call('GET', '/api/topics?limit=5', 200);
    } else if (choice === 2 || choice === 6) {
      answer = await call('GET', `/api/topics/${this.#topic()}/messages?limit=5`, 200);
    } else if (choice === 4 && n % 20 === 4) {
      answer = await call('GET', '/api/inventory/stores', 200, undefined, this.#token());
    } else if (choice === 4) {
      answer = await call('GET', '/api/users/me', 200, undefined, this.#token());
    } else {
      answer = await call('GET', `/api/topics/${this.#topic()}`, 200);
    }
    return typeof answer === 'object' ? answer.failure : answer;
  }

  /** Runs the mix with `concurrency` clients until the bounds end the phase. */
  async run(phase: string, bounds: PhaseBounds): Promise<PhaseFigures> {
    const latencies: number[] = [];
    const failures: string[] = [];
    let failed = 0;
    let sentInPhase = 0;
    let over = false;
    void bounds.until?.finally(() => {
      over = true;
    });
    const deadline = Date.now() + bounds.maxDurationMs;
    const client = async () => {
      while (!over && sentInPhase < bounds.maxRequests && Date.now() < deadline) {
        sentInPhase++;
        const n = this.#operations++;
        const started = performance.now();
        let failure: string | undefined;
        try {
          failure = await this.#operate(n);
        } catch (error) {
          failure = `request ${n}: ${(error as Error).message}`;
        }
        latencies.push(performance.now() - started);
        if (failure) {
          failed++;
          if (failures.length < 5) failures.push(failure);
        }
      }
    };
    await Promise.all(Array.from({ length: this.#concurrency }, client));
    latencies.sort((a, b) => a - b);
    return {
      phase,
      sent: latencies.length,
      failed,
      p50Ms: Math.round(percentile(latencies, 0.5)),
      p99Ms: Math.round(percentile(latencies, 0.99)),
      failures,
    };
  }

  /** Reads back every write that got a 2xx; answers the ones that are missing. */
  async verify(): Promise<{ readonly checked: number; readonly missing: readonly string[] }> {
    const missing: string[] = [];
    const listed = new Map<string, Set<string>>();
    for (const written of this.#writes) {
      if (written.kind === 'message') {
        const ids = listed.get(written.readBack) ?? (await this.#listAll(written.readBack));
        listed.set(written.readBack, ids);
        if (!ids.has(written.id)) missing.push(`message ${written.id} not listed at ${written.readBack}`);
        continue;
      }
      const answer = await callApi(this.#gateway, 'GET', written.readBack, undefined, this.#tokens[0]);
      if (answer.status !== 200) missing.push(`${written.kind} ${written.readBack}: ${answer.status}`);
    }
    return { checked: this.#writes.length, missing };
  }

  /** Every messageId on every page of a listing. */
  async #listAll(path: string): Promise<Set<string>> {
    const ids = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const query = `?limit=100${cursor ? `&cursor=${cursor}` : ''}`;
      const answer = await callApi(this.#gateway, 'GET', `${path}${query}`);
      if (answer.status !== 200) throw new Error(`listing ${path}: ${answer.status}`);
      for (const item of answer.body.items as { messageId: string }[]) ids.add(item.messageId);
      cursor = answer.body.nextCursor as string | undefined;
      if (!cursor) break;
    }
    return ids;
  }
}
