/** Identifiers and opaque pagination cursors. */
import { randomBytes } from 'node:crypto';

/**
 * A UUIDv7: time-ordered, so ids sort by creation time and make good sort keys.
 * (node:crypto's randomUUID is v4 only.)
 */
export function newId(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type Cursor = Record<string, string>;

/**
 * What one attribute of a cursor may hold: exactly this value (the partition the query reads),
 * a pattern (the shape the repository writes), or a check against the whole decoded key.
 */
export type CursorField = string | RegExp | ((value: string, key: Cursor) => boolean);
export type CursorShape = Readonly<Record<string, CursorField>>;

/** Shapes of the values repositories write, for cursor shapes. */
export const cursorValues = {
  /** an id from newId() */
  id: /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  /** a timestamp from Date.toISOString() */
  timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
  /** any non-empty string a key attribute can hold */
  any: /^[\s\S]{1,1024}$/,
} as const;

/** A cursor this API did not issue, or issued for another listing (routes answer 400). */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

/** Encodes DynamoDB's LastEvaluatedKey as an opaque URL-safe string. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  if (!key) return undefined;
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function fieldHolds(field: CursorField, value: string, key: Cursor): boolean {
  if (typeof field === 'string') return value === field;
  if (field instanceof RegExp) return field.test(value);
  return field(value, key);
}

/**
 * Decodes a cursor made by encodeCursor. Anyone can forge one, so every attribute is checked
 * against the shape the repository writes and the partition the query reads: a cursor that could
 * not have come from this query is a 400, never a failed DynamoDB call or another kind of item.
 */
export function decodeCursor(cursor: string | undefined, shape: CursorShape): Cursor | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('The cursor is not one this API issued');
  }
  const names = Object.keys(shape);
  const valid =
    typeof decoded === 'object' &&
    decoded !== null &&
    !Array.isArray(decoded) &&
    Object.keys(decoded).length === names.length &&
    names.every((name) => {
      const value = (decoded as Record<string, unknown>)[name];
      return (
        typeof value === 'string' &&
        value.isWellFormed() &&
        fieldHolds(shape[name] as CursorField, value, decoded as Cursor)
      );
    });
  if (!valid) throw new InvalidCursorError('The cursor is not one this API issued');
  return decoded as Cursor;
}
