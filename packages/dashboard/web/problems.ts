/**
 * Turns what the API answered into one sentence a reader, member or store manager can act on. The services answer
 * errors as problem+json (RFC 9457): the `detail` says what went wrong; validation problems list
 * each field. Anything else (a proxy's HTML page, a dropped connection) gets a plain explanation.
 */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly errors?: readonly { readonly path?: string; readonly message?: string }[];
}

const byStatus: Record<number, string> = {
  400: 'The request was not accepted.',
  401: 'You need to sign in again.',
  403: 'Your account is not allowed to do this.',
  404: 'Not found.',
  413: 'The file is too large.',
  415: 'This kind of file is not accepted.',
  429: 'Too many requests: wait a moment and try again.',
  502: 'The service is not answering right now. Try again in a moment.',
  503: 'The service is unavailable right now. Try again in a moment.',
  504: 'The service took too long to answer. Try again in a moment.',
};

function fieldName(path: string | undefined): string {
  const name = (path ?? '').replace(/^\//, '').replace(/\//g, '.');
  return name === '' ? 'request' : name;
}

export function messageForProblem(status: number, body: unknown): string {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Problem;
  const fields = Array.isArray(problem.errors)
    ? problem.errors.map((error) => `${fieldName(error.path)} ${error.message ?? 'is invalid'}`)
    : [];
  const detail = typeof problem.detail === 'string' && problem.detail.trim() !== '' ? problem.detail.trim() : undefined;
  const base = detail ?? problem.title ?? byStatus[status] ?? `The request failed (HTTP ${status}).`;
  const sentence = /[.!?]$/.test(base) ? base : `${base}.`;
  return fields.length > 0 ? `${sentence} ${fields.join('; ')}.` : sentence;
}

export const unreachableMessage = 'Agora cannot be reached. Check the connection and try again.';
