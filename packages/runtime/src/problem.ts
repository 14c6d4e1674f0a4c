/**
 * Errors as RFC 9457 problem details (application/problem+json). Routes throw HttpProblem for
 * domain errors; the error handler also maps Fastify's own errors (validation, body size, media
 * type, malformed JSON, rate limits, auth) to the right 4xx, transient AWS failures that outlived
 * the SDK's own retries (throttling, transaction conflicts, an unavailable service) to a 503 with
 * Retry-After, and hides everything else behind a bare 500 that leaks no detail.
 */
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { http } from './node-http.ts';

export const problemContentType = 'application/problem+json';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly extensions: Record<string, unknown>;
  /** sent as the Retry-After header (429, 503) */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    detail: string,
    options: { type?: string; extensions?: Record<string, unknown>; retryAfterSeconds?: number } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = status;
    this.type = options.type ?? 'about:blank';
    this.extensions = options.extensions ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const problems = {
  badRequest: (detail: string, extensions?: Record<string, unknown>) =>
    new HttpProblem(400, detail, { type: 'urn:agora:problem:bad-request', extensions }),
  unauthorized: (detail = 'A valid bearer token is required') =>
    new HttpProblem(401, detail, { type: 'urn:agora:problem:unauthorized' }),
  forbidden: (detail: string) => new HttpProblem(403, detail, { type: 'urn:agora:problem:forbidden' }),
  notFound: (detail: string) => new HttpProblem(404, detail, { type: 'urn:agora:problem:not-found' }),
  conflict: (detail: string) => new HttpProblem(409, detail, { type: 'urn:agora:problem:conflict' }),
  unavailable: (detail: string, retryAfterSeconds?: number) =>
    new HttpProblem(503, detail, {
      type: 'urn:agora:problem:unavailable',
      ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
    }),
};

/** AWS error names that mean "try again shortly", not "this request is wrong" or "a bug". */
const transientAwsErrorNames = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'TransactionConflictException',
  'TransactionInProgressException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
  'SlowDown',
]);
/** Cancellation reasons of a DynamoDB transaction that a retry can get past. */
const transientCancellationCodes = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/** Seconds a client should wait after a transient AWS failure: the SDK has already retried. */
export const transientRetryAfterSeconds = 1;

/**
 * Whether an error is a transient AWS failure (the SDK attaches `$metadata` to service errors;
 * its retries are over by the time the error reaches a route).
 */
export function isTransientAwsFailure(error: unknown): boolean {
  const candidate = error as {
    name?: string;
    $metadata?: unknown;
    $retryable?: unknown;
    $fault?: string;
    CancellationReasons?: { Code?: string }[];
  };
  if (!candidate || typeof candidate !== 'object' || candidate.$metadata === undefined) return false;
  if (candidate.name && transientAwsErrorNames.has(candidate.name)) return true;
  if (candidate.name === 'TransactionCanceledException') {
    const codes = (candidate.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
    // transient only when every reason is one a retry gets past (or none: the item wasn't reached)
    return (
      codes.some((code) => transientCancellationCodes.has(code)) &&
      codes.every((code) => code === 'None' || transientCancellationCodes.has(code))
    );
  }
  return Boolean(candidate.$retryable) || candidate.$fault === 'server';
}

export function problemBody(status: number, detail: string | undefined, extra: Partial<ProblemBody> = {}): ProblemBody {
  return {
    type: 'about:blank',
    title: titles[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    ...(detail ? { detail } : {}),
    ...extra,
  };
}

export function sendProblem(reply: FastifyReply, body: ProblemBody): FastifyReply {
  return reply.code(body.status).type(problemContentType).send(body);
}

/** Fastify error codes that are the client's fault, and the status each deserves. */
const clientErrorCodes: Record<string, number> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 415,
  FST_ERR_CTP_BODY_TOO_LARGE: 413,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 400,
  FST_ERR_CTP_EMPTY_JSON_BODY: 400,
  FST_ERR_CTP_INVALID_JSON_BODY: 400,
  FST_ERR_VALIDATION: 400,
};

function toProblem(error: FastifyError, request: FastifyRequest): ProblemBody {
  const instance = request.url.split('?')[0];
  if (error instanceof HttpProblem) {
    return problemBody(error.status, error.message, { type: error.type, instance, ...error.extensions });
  }
  if (isTransientAwsFailure(error)) {
    return problemBody(503, 'A dependency is briefly unavailable: retry shortly', {
      type: 'urn:agora:problem:unavailable',
      instance,
    });
  }
  if (error.validation) {
    const errors = error.validation.map((issue) => ({
      in: error.validationContext ?? 'body',
      path: issue.instancePath || '/',
      keyword: issue.keyword,
      message: issue.message ?? 'is invalid',
      ...(issue.params && Object.keys(issue.params).length > 0 ? { params: issue.params } : {}),
    }));
    return problemBody(400, 'The request does not match the schema', {
      type: 'urn:agora:problem:validation',
      instance,
      errors,
    });
  }
  const mapped = error.code ? clientErrorCodes[error.code] : undefined;
  const status = mapped ?? error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // SyntaxError from the JSON parser carries the parser's message: safe and useful to the client.
    return problemBody(status, error.message, { instance });
  }
  return problemBody(status >= 500 && status < 600 ? status : 500, undefined, { instance });
}

/** The router's own errors (an over-long parameter, a malformed URL) answer problems too. */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  request.log.info({ code: error.code }, error.message);
  return sendProblem(
    reply,
    problemBody(400, 'The request path is not valid', {
      type: 'urn:agora:problem:bad-request',
      instance: request.url.split('?')[0],
    }),
  );
}

/** What the HTTP parser refuses before any route sees the request, as status and detail. */
function parserRefusal(code: string | undefined): { status: number; detail: string } {
  switch (code) {
    // RFC 9110 §9.1: a method the server does not recognize is a 501 (one a resource lacks is a 405).
    case 'HPE_INVALID_METHOD':
      return { status: 501, detail: 'The request method is not one this server implements' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: 'The request headers are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, detail: 'The request took too long to arrive' };
    default:
      return { status: 400, detail: 'The request is not well-formed HTTP' };
  }
}

/**
 * Fastify's clientErrorHandler: a request the HTTP parser refuses (an unknown method, malformed
 * framing, oversized headers) gets a problem like every other refusal, then the connection closes
 * (the parser cannot tell where the next request would start).
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, detail } = parserRefusal(error.code);
  const body = JSON.stringify(problemBody(status, detail, { type: 'urn:agora:problem:bad-request' }));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: ${problemContentType}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\n` +
        `x-content-type-options: nosniff\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** The client closed its connection (or aborted its request) before the answer was sent. */
export function clientWentAway(request: FastifyRequest): boolean {
  return request.raw.aborted || request.raw.socket?.destroyed === true;
}

/**
 * `allowedMethods` names the methods some route serves at a path: a path that exists under
 * other methods is a 405 with Allow, not a 404.
 */
export function registerProblemHandlers(
  app: FastifyInstance,
  allowedMethods: (path: string) => string[] = () => [],
): void {
  /** The answer to a request no route takes: 405 with Allow when the path exists, else 404. */
  const unrouted = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = allowedMethods(path);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(
        reply,
        problemBody(405, `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`, {
          type: 'urn:agora:problem:method-not-allowed',
          instance: path,
        }),
      );
    }
    return sendProblem(
      reply,
      problemBody(404, `No route for ${request.method} ${path}`, {
        type: 'urn:agora:problem:not-found',
        instance: path,
      }),
    );
  };
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // A request no route takes can still fail its body checks first (QUERY without a
    // Content-Type): the answer is about the route it lacks, not its body.
    if (request.is404 && !(error instanceof HttpProblem) && (error.statusCode ?? 500) < 500) {
      return unrouted(request, reply);
    }
    const body = toProblem(error, request);
    const retryAfter =
      error instanceof HttpProblem
        ? error.retryAfterSeconds
        : isTransientAwsFailure(error)
          ? transientRetryAfterSeconds
          : undefined;
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    // A client that went away is not a server fault: no error-level alarm for it.
    if (clientWentAway(request)) request.log.info({ code: error.code }, 'client closed the request');
    else if (body.status === 503 && retryAfter !== undefined) request.log.warn({ err: error }, 'transient failure');
    else if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: body.status, code: error.code }, error.message);
    return sendProblem(reply, body);
  });
  app.setNotFoundHandler(unrouted);
}
