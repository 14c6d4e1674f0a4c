/**
 * The gateway routes on the path exactly as the upstream will receive it, and forwards it byte
 * for byte. A request target that another component could read as a different path (backslashes,
 * dot segments, percent-encoded dots, slashes or backslashes, control characters, a fragment, a
 * malformed escape, anything but origin-form) is refused with a 400 problem before routing, so the
 * routing decision and the upstream's view can never disagree.
 */

export type PathVerdict =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly reason: string };

// %2e (.), %2f (/), %5c (\) and %00 change what a normalizing reader takes the path to be.
const ambiguousEscape = /%(2e|2f|5c|00)/i;
const malformedEscape = /%(?![0-9a-f]{2})/i;
// Only the characters RFC 3986 allows in a path (pchar and "/"), with escapes checked above.
const pathCharacters = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;

export function judgeRequestTarget(target: string): PathVerdict {
  if (!target.startsWith('/')) return { ok: false, reason: 'The request target must be a path (origin-form)' };
  if (target.includes('#')) return { ok: false, reason: 'The request target must not carry a fragment' };
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  if (path.includes('\\')) return { ok: false, reason: 'The path must not contain a backslash' };
  if (!pathCharacters.test(path)) return { ok: false, reason: 'The path contains characters that must be escaped' };
  if (malformedEscape.test(path)) return { ok: false, reason: 'The path contains a malformed percent-escape' };
  if (ambiguousEscape.test(path)) {
    return { ok: false, reason: 'The path must not percent-encode a dot, a slash, a backslash or NUL' };
  }
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) {
    return { ok: false, reason: 'The path must not contain dot segments' };
  }
  return { ok: true, path };
}
