/**
 * Rate limits that hold across every task of a service: one counter per budget and key in the
 * rate-limits table (see the catalogue), counting the hits of a window that starts with its first
 * hit and ends `windowSeconds` later (`expiresAt`, also DynamoDB's TTL attribute, which removes
 * it). Hits are counted atomically by conditional UpdateItem, so N tasks allow the limit, not N
 * times it. Keys are hashed: the table holds no usernames or addresses.
 *
 * The limit every request passes (RATE_LIMIT_PER_MINUTE per client) counts in clock-aligned
 * windows instead (`hit`): one unconditional UpdateItem per request, never a second round, at the
 * price of a burst of up to twice the limit across a window's edge. It backs @fastify/rate-limit
 * as its store (`sharedRequestStore`), so its headers, 429s and per-route settings stay as they were.
 *
 * A count never goes down inside its window, so a budget this task has seen spent refuses until
 * its window ends, whatever any task does: the task remembers that (`spent`) and refuses with no
 * read and no write. A client flooding one task costs `max` writes a window, not one write per
 * request (a flood of paid writes, "denial of wallet"); across N tasks, at most N - 1 more.
 */
import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unlessConditionFails } from './dynamo.ts';
import { HttpProblem } from './problem.ts';

export interface RateBudget {
  /** names the budget in the counters' keys, so two budgets never share a counter */
  readonly name: string;
  readonly max: number;
  readonly windowSeconds: number;
}

export interface BudgetState {
  /** whether this request is within the budget */
  readonly allowed: boolean;
  /** seconds until the current window ends */
  readonly retryAfterSeconds: number;
}

export interface SharedRateLimiter {
  /** Counts one use of the budget for `key` and says whether it is still within it. */
  take(budget: RateBudget, key: string): Promise<BudgetState>;
  /** Says whether the budget for `key` has room left, without counting a use. */
  peek(budget: RateBudget, key: string): Promise<BudgetState>;
  /** Counts one use in the budget's clock-aligned window (one UpdateItem); the window's hits so far. */
  hit(budget: RateBudget, key: string): Promise<{ readonly hits: number; readonly retryAfterSeconds: number }>;
}

export function createSharedRateLimiter(
  documents: DynamoDBDocumentClient,
  tableName: string,
  now: () => number = Date.now,
): SharedRateLimiter {
  const spent = spentBudgets();
  const limitKeyOf = (budget: RateBudget, key: string) =>
    `${budget.name}#${createHash('sha256').update(key).digest('base64url')}`;
  const stateOf = (budget: RateBudget, hits: number, expiresAt: number, seconds: number, counted: boolean) => ({
    allowed: counted ? hits <= budget.max : hits < budget.max,
    retryAfterSeconds: Math.max(1, expiresAt - seconds),
  });

  /** Counts a hit in the window that is running (its expiresAt still ahead), if there is one. */
  async function countInRunningWindow(limitKey: string, seconds: number) {
    const output = await unlessConditionFails(
      documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { limitKey },
          UpdateExpression: 'ADD hits :one',
          ConditionExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':one': 1, ':now': seconds },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return output?.Attributes;
  }

  /** Starts a window with this hit, unless another task has just started one. */
  async function startWindow(limitKey: string, seconds: number, windowSeconds: number) {
    const expiresAt = seconds + windowSeconds;
    const output = await unlessConditionFails(
      documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { limitKey },
          UpdateExpression: 'SET hits = :one, expiresAt = :expiresAt',
          // TTL deletes lazily, so an expired window may still be there: it is replaced
          ConditionExpression: 'attribute_not_exists(limitKey) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':one': 1, ':expiresAt': expiresAt, ':now': seconds },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return output?.Attributes;
  }

  return {
    async take(budget, key) {
      const limitKey = limitKeyOf(budget, key);
      const seconds = Math.floor(now() / 1000);
      const until = spent.until(limitKey, seconds);
      if (until !== undefined) return { allowed: false, retryAfterSeconds: until - seconds };
      // Bounded: each round loses only to another task that changed the window meanwhile.
      for (let round = 0; round < 3; round++) {
        const item =
          (await countInRunningWindow(limitKey, seconds)) ??
          (await startWindow(limitKey, seconds, budget.windowSeconds));
        if (item) {
          if (Number(item.hits) >= budget.max) spent.mark(limitKey, Number(item.expiresAt));
          return stateOf(budget, Number(item.hits), Number(item.expiresAt), seconds, true);
        }
      }
      throw new Error(`the ${budget.name} counter changed under every attempt to count a hit`);
    },
    async hit(budget, key) {
      const seconds = Math.floor(now() / 1000);
      const windowStart = seconds - (seconds % budget.windowSeconds);
      const expiresAt = windowStart + budget.windowSeconds;
      const retryAfterSeconds = Math.max(1, expiresAt - seconds);
      const limitKey = `${limitKeyOf(budget, key)}#${windowStart}`;
      if (spent.until(limitKey, seconds) !== undefined) return { hits: budget.max + 1, retryAfterSeconds };
      const { Attributes } = await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { limitKey },
          UpdateExpression: 'ADD hits :one SET expiresAt = :expiresAt',
          ExpressionAttributeValues: { ':one': 1, ':expiresAt': expiresAt },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const hits = Number(Attributes?.hits);
      if (hits >= budget.max) spent.mark(limitKey, expiresAt);
      return { hits, retryAfterSeconds };
    },
    async peek(budget, key) {
      const limitKey = limitKeyOf(budget, key);
      const seconds = Math.floor(now() / 1000);
      const until = spent.until(limitKey, seconds);
      if (until !== undefined) return { allowed: false, retryAfterSeconds: until - seconds };
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: { limitKey }, ConsistentRead: true }),
      );
      const running = Item && Number(Item.expiresAt) > seconds;
      if (running && Number(Item.hits) >= budget.max) spent.mark(limitKey, Number(Item.expiresAt));
      return running
        ? stateOf(budget, Number(Item.hits), Number(Item.expiresAt), seconds, false)
        : { allowed: true, retryAfterSeconds: 1 };
    },
  };
}

/** How many spent budgets a task remembers: a bound on its memory, whatever the number of clients. */
const maxSpentRemembered = 10_000;

/** The budgets this task has seen spent, each until its window ends (epoch seconds). */
function spentBudgets() {
  const untilOf = new Map<string, number>();
  return {
    /** when the window of a budget this task saw spent ends; undefined if it has room or its window is over */
    until(limitKey: string, seconds: number): number | undefined {
      const until = untilOf.get(limitKey);
      if (until === undefined || until > seconds) return until;
      untilOf.delete(limitKey);
      return undefined;
    },
    mark(limitKey: string, until: number): void {
      if (untilOf.size >= maxSpentRemembered) {
        // the oldest entry goes: at worst that client costs writes again, never a wrong answer
        untilOf.delete(untilOf.keys().next().value as string);
      }
      untilOf.set(limitKey, until);
    },
  };
}

type StoreCallback = (error: Error | null, state?: { current: number; ttl: number }) => void;

/**
 * A @fastify/rate-limit store over the shared counters: `name` names the limit (one per service),
 * the plugin's key (the client's address) is counted per window of the plugin's `timeWindow`. When
 * the table cannot be reached, `onError` hears of it and the plugin lets the request through
 * (skipOnError): the limiter protects the service, it must not take it down.
 */
export function sharedRequestStore(limiter: SharedRateLimiter, name: string, onError: (error: unknown) => void) {
  return class SharedRequestStore {
    incr(key: string, callback: StoreCallback, timeWindowMs: number, max: number): void {
      const budget = { name, max, windowSeconds: Math.max(1, Math.round(timeWindowMs / 1000)) };
      limiter.hit(budget, key).then(
        ({ hits, retryAfterSeconds }) => callback(null, { current: hits, ttl: retryAfterSeconds * 1000 }),
        (error: Error) => {
          onError(error);
          callback(error);
        },
      );
    }

    child(): SharedRequestStore {
      return this;
    }
  };
}

/** The 429 problem for an exhausted budget; the error handler sends its Retry-After. */
export function rateLimited(detail: string, state: BudgetState): HttpProblem {
  return new HttpProblem(429, `${detail}: retry in ${state.retryAfterSeconds} s`, {
    type: 'urn:agora:problem:rate-limited',
    retryAfterSeconds: state.retryAfterSeconds,
  });
}
