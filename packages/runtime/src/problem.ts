/**
 * Errors as RFC 9457 problem details (application/problem+json). Routes throw HttpProblem for
 * domain errors; the error handler also maps Fastify's own errors (validation, body size, media
 * type, malformed JSON, rate limits, auth) to the right 4xx, and hides everything else behind a
 * bare 500 that leaks no detail.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

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
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly extensions: Record<string, unknown>;

  constructor(status: number, detail: string, options: { type?: string; extensions?: Record<string, unknown> } = {}) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = status;
    this.type = options.type ?? 'about:blank';
    this.extensions = options.extensions ?? {};
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
  unavailable: (detail: string) => new HttpProblem(503, detail, { type: 'urn:agora:problem:unavailable' }),
};

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

/** The client closed its connection (or aborted its request) before the answer was sent. */
export function clientWentAway(request: FastifyRequest): boolean {
  return request.raw.aborted || request.raw.socket?.destroyed === true;
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const body = toProblem(error, request);
    // A client that went away is not a server fault: no error-level alarm for it.
    if (clientWentAway(request)) request.log.info({ code: error.code }, 'client closed the request');
    else if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: body.status, code: error.code }, error.message);
    return sendProblem(reply, body);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problemBody(404, `No route for ${request.method} ${request.url.split('?')[0]}`, {
        type: 'urn:agora:problem:not-found',
        instance: request.url.split('?')[0],
      }),
    ),
  );
}
