/** Schemas every service's routes share: problem details, pagination, bearer auth. */
import { Type } from 'typebox';
import { problemContentType } from './problem.ts';

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Unknown())),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

/** A problem answer as a route's response schema: the body is application/problem+json. */
export const problemResponse = {
  description: 'RFC 9457 problem details',
  content: { [problemContentType]: { schema: ProblemSchema } },
};

/** Response schemas for the problems a route can answer, by status. */
export function problemResponses(...statuses: number[]): Record<number, typeof problemResponse> {
  return Object.fromEntries(statuses.map((status) => [status, problemResponse]));
}

/** The page size when a request names none (routes read it through paging.ts's readPage). */
export const defaultPageLimit = 20;

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: defaultPageLimit })),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2048,
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'nextCursor of the previous page',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A page of items and its next cursor: the catalogue's shape, which the web app reads too. */
export { Page } from '@agora/catalogue/api-shapes';

export const bearerAuth = [{ bearerAuth: [] }];
