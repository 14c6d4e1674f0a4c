/** Listing routes: a page request with the schema's default limit, and a refused cursor as a 400 problem. */
import { InvalidCursorError } from './ids.ts';
import { problems } from './problem.ts';
import { defaultPageLimit } from './schemas.ts';

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/**
 * Runs a repository read for one page of a listing: `limit` defaults as PageQuery documents,
 * and a cursor the repository refuses (InvalidCursorError) is the client's 400 problem.
 */
export async function readPage<T>(
  query: { readonly limit?: number | undefined; readonly cursor?: string | undefined },
  read: (page: PageRequest) => Promise<T>,
): Promise<T> {
  try {
    return await read({
      // The validator checks the query but does not fill in PageQuery's default: this does, once.
      limit: query.limit ?? defaultPageLimit,
      cursor: query.cursor,
    });
  } catch (error) {
    if (error instanceof InvalidCursorError) throw problems.badRequest(error.message);
    throw error;
  }
}
