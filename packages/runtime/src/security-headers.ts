/**
 * The headers every answer from Agora carries, whichever process gives it (a service, or the
 * gateway's own /health, problems and /docs): helmet's security headers, and `Cache-Control:
 * no-store` unless a route says otherwise, because API answers carry tokens and personal data
 * that no shared or browser cache may keep (OWASP REST guidance).
 *
 * helmet's defaults depend on nothing in the request, so they are computed once, at start, by
 * running helmet's own middleware against a recorder: @fastify/helmet built that middleware anew
 * on every request (parsing the Content-Security-Policy directives each time), which cost more
 * CPU than the rest of a `GET /health`. Each answer now gets one precomputed set, set before the
 * route runs: a route (or a proxied answer's headers) that sets one of them, Cache-Control
 * among them, overrides it, as it did before.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/** What helmet() with its defaults sets on a response, by lower-case header name. */
function helmetDefaults(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let applied = false;
  helmet()({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    applied = true;
  });
  // helmet's defaults set their headers synchronously; anything else would be a new helmet to adapt to
  if (!applied || Object.keys(headers).length === 0) throw new Error('helmet set no headers synchronously');
  return Object.freeze(headers);
}

/** Every answer's default headers: helmet's, and no-store. */
export const securityHeaders: Readonly<Record<string, string>> = Object.freeze({
  ...helmetDefaults(),
  'cache-control': 'no-store',
});

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(securityHeaders);
    done();
  });
}
