/** The public API as the page uses it: every failure becomes an ApiError with a readable message. */
import { messageForProblem, unreachableMessage } from './problems.ts';

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = (response.headers.get('content-type') ?? '').includes('json') ? await response.json() : undefined;
  } catch {
    body = undefined;
  }
  return new ApiError(response.status, messageForProblem(response.status, body));
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function request<T>(
  path: string,
  options: { method?: string; token?: string; body?: unknown /** no headers: a preloaded GET */; plain?: boolean } = {},
) {
  const headers: Record<string, string> = options.plain ? {} : { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, unreachableMessage);
  }
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return null as T;
  return (await response.json()) as T;
}

export interface LoginAnswer {
  readonly accessToken: string;
  readonly expiresIn: number;
}

export const login = (username: string, password: string) =>
  request<LoginAnswer>('/api/auth/login', { method: 'POST', body: { username, password } });

export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

export interface UploadStatus {
  readonly uploadId: string;
  readonly status: 'received' | 'processing' | 'done' | 'failed';
  readonly rowsAccepted?: number;
  readonly rowsRejected?: number;
  readonly rejectedRows: readonly RejectedRow[];
  readonly reason?: string;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** Reads an upload's status, tolerant of the field names the inventory service may use. */
export function uploadStatusFrom(body: Record<string, unknown>): UploadStatus {
  const rejected = list(body.rejectedRows ?? body.rejected ?? body.firstRejected).map((row) => {
    const entry = row as Record<string, unknown>;
    return { line: number(entry.line) ?? number(entry.lineNumber) ?? 0, reason: text(entry.reason) ?? '' };
  });
  const status = text(body.status);
  return {
    uploadId: text(body.uploadId) ?? '',
    status: status === 'processing' || status === 'done' || status === 'failed' ? status : 'received',
    rowsAccepted: number(body.rowsAccepted),
    rowsRejected: number(body.rowsRejected),
    rejectedRows: rejected,
    reason: text(body.failureReason) ?? text(body.reason) ?? text(body.error),
  };
}

export const uploadStatus = async (token: string, uploadId: string) =>
  uploadStatusFrom(
    await request<Record<string, unknown>>(`/api/inventory/uploads/${encodeURIComponent(uploadId)}`, { token }),
  );

export async function storeNames(token: string, maxPages = 20): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const body = await request<Record<string, unknown>>(`/api/inventory/stores?${query}`, { token });
    for (const entry of list(body.items ?? body.stores)) {
      const name = typeof entry === 'string' ? entry : text((entry as Record<string, unknown>).store);
      if (name) names.push(name);
    }
    cursor = text(body.nextCursor);
    if (!cursor) break;
  }
  return names;
}

export interface StockItem {
  readonly store: string;
  readonly item: string;
  readonly count: number;
  readonly updatedAt?: string;
}

export function stockItemFrom(entry: Record<string, unknown>, store = ''): StockItem | undefined {
  const item = text(entry.item);
  const count = number(entry.count);
  if (item === undefined || count === undefined) return undefined;
  return { store: text(entry.store) ?? store, item, count, updatedAt: text(entry.updatedAt) };
}

/** Every item of a store, following the cursor (bounded, so a huge store can't hang the page). */
export async function storeItems(token: string, store: string, maxPages = 50): Promise<StockItem[]> {
  const items: StockItem[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const body = await request<Record<string, unknown>>(
      `/api/inventory/stores/${encodeURIComponent(store)}/items?${query}`,
      { token },
    );
    for (const entry of list(body.items)) {
      const parsed = stockItemFrom(entry as Record<string, unknown>, store);
      if (parsed) items.push(parsed);
    }
    cursor = text(body.nextCursor) ?? text(body.cursor);
    if (!cursor) break;
  }
  return items;
}
