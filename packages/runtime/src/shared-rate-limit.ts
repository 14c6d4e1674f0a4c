/**
 * Rate limits that hold across every task of a service: a counter per budget, key and fixed time
 * window in the rate-limits table (see the catalogue), incremented atomically by UpdateItem and
 * removed by DynamoDB's TTL once its window has passed. N tasks allow the limit, not N times it.
 * Keys are hashed: the table holds no usernames or addresses.
 */
import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
}

export function createSharedRateLimiter(
  documents: DynamoDBDocumentClient,
  tableName: string,
  now: () => number = Date.now,
): SharedRateLimiter {
  function window(budget: RateBudget, key: string) {
    const seconds = Math.floor(now() / 1000);
    const index = Math.floor(seconds / budget.windowSeconds);
    const endsAt = (index + 1) * budget.windowSeconds;
    const digest = createHash('sha256').update(key).digest('base64url');
    return { limitKey: `${budget.name}#${index}#${digest}`, endsAt, retryAfterSeconds: Math.max(1, endsAt - seconds) };
  }
  return {
    async take(budget, key) {
      const { limitKey, endsAt, retryAfterSeconds } = window(budget, key);
      const { Attributes } = await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { limitKey },
          UpdateExpression: 'ADD hits :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
          ExpressionAttributeValues: { ':one': 1, ':expiresAt': endsAt },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { allowed: Number(Attributes?.hits) <= budget.max, retryAfterSeconds };
    },
    async peek(budget, key) {
      const { limitKey, retryAfterSeconds } = window(budget, key);
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: { limitKey }, ConsistentRead: true }),
      );
      return { allowed: Number(Item?.hits ?? 0) < budget.max, retryAfterSeconds };
    },
  };
}

/** The 429 problem for an exhausted budget; the error handler sends its Retry-After. */
export function rateLimited(detail: string, state: BudgetState): HttpProblem {
  return new HttpProblem(429, `${detail}: retry in ${state.retryAfterSeconds} s`, {
    type: 'urn:agora:problem:rate-limited',
    retryAfterSeconds: state.retryAfterSeconds,
  });
}
