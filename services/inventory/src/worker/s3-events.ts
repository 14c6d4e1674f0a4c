/**
 * S3 event notifications as they arrive on the files queue. S3 sends an `s3:TestEvent` when the
 * notification is set up (skipped), and one message may carry several records. Keys are
 * URL-encoded with `+` for a space.
 */

export interface CreatedObject {
  readonly bucket: string;
  readonly key: string;
  /** without quotes */
  readonly eTag?: string;
  readonly size?: number;
}

export type FilesMessage =
  | { readonly kind: 'test' }
  | { readonly kind: 'objects'; readonly objects: readonly CreatedObject[] };

/** A message that is not an S3 event: retried until it reaches the dead-letter queue. */
export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
}

export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

export function unquoteETag(eTag: string | undefined): string | undefined {
  return eTag?.replace(/^"|"$/g, '') || undefined;
}

interface S3EventRecord {
  eventName?: unknown;
  s3?: { bucket?: { name?: unknown }; object?: { key?: unknown; eTag?: unknown; size?: unknown } };
}

export function parseFilesMessage(body: string | undefined): FilesMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    throw new PoisonMessageError('The message body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new PoisonMessageError('The message is not an S3 event');
  const event = parsed as { Event?: unknown; Records?: unknown };
  if (event.Event === 's3:TestEvent') return { kind: 'test' };
  if (!Array.isArray(event.Records)) throw new PoisonMessageError('The message has no S3 event records');
  const objects: CreatedObject[] = [];
  for (const record of event.Records as S3EventRecord[]) {
    if (typeof record?.eventName !== 'string' || !record.eventName.startsWith('ObjectCreated:')) continue;
    const bucket = record.s3?.bucket?.name;
    const key = record.s3?.object?.key;
    if (typeof bucket !== 'string' || typeof key !== 'string') {
      throw new PoisonMessageError('An ObjectCreated record names no bucket or key');
    }
    let decoded: string;
    try {
      decoded = decodeS3Key(key);
    } catch {
      throw new PoisonMessageError(`The object key ${JSON.stringify(key)} is not URL-encoded`);
    }
    const eTag = unquoteETag(typeof record.s3?.object?.eTag === 'string' ? record.s3.object.eTag : undefined);
    const size = record.s3?.object?.size;
    objects.push({
      bucket,
      key: decoded,
      ...(eTag ? { eTag } : {}),
      ...(typeof size === 'number' ? { size } : {}),
    });
  }
  return { kind: 'objects', objects };
}
