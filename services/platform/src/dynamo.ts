/** DynamoDB patterns the repositories share: conditional writes and pages with a cursor. */
import { encodeCursor } from './ids.ts';

export function isConditionFailure(error: unknown): boolean {
  return (error as Error).name === 'ConditionalCheckFailedException';
}

/** Awaits a conditional write: its output, or undefined when its condition did not hold. */
export async function unlessConditionFails<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

export interface CursorPage<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** A page of a Query's items, with the cursor of the next page when there is one. */
export function pageOf<T>(items: T[], lastEvaluatedKey: Record<string, unknown> | undefined): CursorPage<T> {
  const nextCursor = encodeCursor(lastEvaluatedKey);
  return { items, ...(nextCursor ? { nextCursor } : {}) };
}
