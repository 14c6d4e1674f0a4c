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

export type Cursor = Record<string, string | number>;

/** A cursor this API did not issue, or issued for another listing (routes answer 400). */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

/** Encodes DynamoDB's LastEvaluatedKey as an opaque URL-safe string. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  if (!key) return undefined;
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * Decodes a cursor made by encodeCursor, accepting only the expected key attributes, so a
 * tampered cursor is an InvalidCursorError (a 400), never a failed DynamoDB call.
 */
export function decodeCursor(cursor: string | undefined, keyAttributes: readonly string[]): Cursor | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('The cursor is not one this API issued');
  }
  const valid =
    typeof decoded === 'object' &&
    decoded !== null &&
    !Array.isArray(decoded) &&
    Object.keys(decoded).length === keyAttributes.length &&
    keyAttributes.every((name) => {
      const value = (decoded as Record<string, unknown>)[name];
      return (typeof value === 'string' && value.length > 0 && value.length <= 1024) || typeof value === 'number';
    });
  if (!valid) throw new InvalidCursorError('The cursor is not one this API issued');
  return decoded as Cursor;
}
