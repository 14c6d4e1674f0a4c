/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the message: a proxy acts on
 * them and never forwards them, in either direction, as the ALB does. That covers the fixed list,
 * every header the Connection header names, and `Expect` (the gateway answers 100-continue itself).
 */
import type { IncomingHttpHeaders } from 'node:http';

const hopByHop = new Set([
  'connection',
  'expect',
  'host',
  'http2-settings',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export type HeaderValues = Record<string, string | string[]>;

function namedByConnection(connection: string | string[] | undefined): Set<string> {
  const values = Array.isArray(connection) ? connection : connection ? [connection] : [];
  return new Set(
    values.flatMap((value) =>
      value
        .split(',')
        .map((token) => token.trim().toLowerCase())
        .filter(Boolean),
    ),
  );
}

/** The end-to-end headers of a message: what the next hop may see. */
export function endToEndHeaders(headers: IncomingHttpHeaders | Record<string, unknown>): HeaderValues {
  const named = namedByConnection(headers.connection as string | string[] | undefined);
  const kept: HeaderValues = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || hopByHop.has(lower) || named.has(lower)) continue;
    kept[lower] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return kept;
}
