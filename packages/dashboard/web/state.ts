/**
 * What the app knows, shared by its views: the session, and for the inventory section the stores
 * and the shown store's rows, the table's view, the uploads and alerts. One object, mutated by
 * the views that own each part.
 */
import { ApiError } from './api.ts';
import { byId } from './dom.ts';
import type { Session } from './session.ts';
import type { StockRow, TableView } from './stock.ts';

export interface UploadEntry {
  readonly key: number;
  readonly name: string;
  progress: number;
  uploadId?: string;
  phase: 'uploading' | 'received' | 'processing' | 'done' | 'failed';
  accepted?: number;
  rejected?: number;
  rejectedRows: readonly { line: number; reason: string }[];
  message?: string;
}

export interface Alert {
  readonly store: string;
  readonly item: string;
  readonly kind: 'out-of-stock' | 'back-in-stock';
  readonly at: string;
}

export const state = {
  session: undefined as Session | undefined,
  stores: [] as string[],
  store: undefined as string | undefined,
  rows: new Map<string, StockRow>(),
  /** item → when its count changed live (highlighted for a moment) */
  changed: new Map<string, number>(),
  view: { query: '', outOfStockOnly: false, sortKey: 'item', sortDirection: 'ascending' } as TableView,
  uploads: [] as UploadEntry[],
  alerts: [] as Alert[],
  closeFeed: undefined as (() => void) | undefined,
  expiryTimer: undefined as ReturnType<typeof setTimeout> | undefined,
  /** ends the session with a message (set by main.ts, which owns signing in and out) */
  endSession: (_message: string) => {},
  /** starts a session from a login answer's token (set by main.ts) */
  beginSession: (_session: Session) => {},
};

/** Where the page draws its views. */
export const app = byId('app');
const notice = byId('notice');

export function showNotice(message: string | undefined) {
  notice.textContent = message ?? '';
  notice.hidden = !message;
}

export function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong in the page. Reload it and try again.';
}

/** A refused token ends the session wherever it is noticed. */
export function handleFailure(error: unknown, show: (message: string) => void) {
  if (error instanceof ApiError && error.status === 401 && state.session) {
    state.endSession(`${error.message} Sign in again.`);
    return;
  }
  show(messageOf(error));
}
