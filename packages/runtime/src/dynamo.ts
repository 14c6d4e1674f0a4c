/** DynamoDB patterns the repositories share: conditional writes and pages with a cursor. */
import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
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

/** A conditional UpdateItem: the item as it is after the update, or undefined when the condition did not hold. */
export async function conditionalUpdate(
  documents: DynamoDBDocumentClient,
  input: Omit<UpdateCommandInput, 'ReturnValues'>,
): Promise<Record<string, unknown> | undefined> {
  const output = await unlessConditionFails(documents.send(new UpdateCommand({ ...input, ReturnValues: 'ALL_NEW' })));
  return output?.Attributes;
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
