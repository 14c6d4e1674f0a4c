/** The dashboard page: sign in, upload files, watch stock and alerts live. */
import { ApiError, login, type StockItem, stockItemFrom, storeItems, storeNames, uploadStatus } from './api.ts';
import { byId, h } from './dom.ts';
import { type FeedState, openFeed } from './feed.ts';
import { clearSession, loadSession, type Session, saveSession, sessionFromToken } from './session.ts';
import type { ServerEvent } from './sse.ts';
import { nextSort, type SortKey, type StockRow, type TableView, totals, visibleRows } from './stock.ts';
import { sendFile } from './upload.ts';

interface UploadEntry {
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

interface Alert {
  readonly store: string;
  readonly item: string;
  readonly kind: 'out-of-stock' | 'back-in-stock';
  readonly at: string;
}

const state = {
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
};
let uploadKeys = 0;

const app = byId('app');
const notice = byId('notice');

function showNotice(message: string | undefined) {
  notice.textContent = message ?? '';
  notice.hidden = !message;
}

function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong in the page. Reload it and try again.';
}

/** A refused token ends the session wherever it is noticed. */
function handleFailure(error: unknown, show: (message: string) => void) {
  if (error instanceof ApiError && error.status === 401 && state.session) {
    signOut(`${error.message} Sign in again.`);
    return;
  }
  show(messageOf(error));
}

// ---------- sign in / out ----------

function renderSignIn(message?: string) {
  byId('account').hidden = true;
  const error = h('p', { id: 'sign-in-error', class: 'error', role: 'alert' }, message ?? '');
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { id: 'sign-in', class: 'card sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h2', { id: 'sign-in-title' }, 'Sign in'),
    h('label', { for: 'username' }, 'Username'),
    username,
    h('label', { for: 'password' }, 'Password'),
    password,
    submit,
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      const answer = await login(username.value.trim(), password.value);
      const session = sessionFromToken(answer.accessToken, answer.expiresIn);
      saveSession(session);
      startSession(session);
    } catch (failure) {
      error.textContent = messageOf(failure);
      submit.disabled = false;
      password.select();
    }
  });
  app.replaceChildren(form);
  username.focus();
}

function signOut(message?: string) {
  state.closeFeed?.();
  clearTimeout(state.expiryTimer);
  clearSession();
  Object.assign(state, { session: undefined, stores: [], store: undefined, uploads: [], alerts: [] });
  state.rows.clear();
  showNotice(undefined);
  renderSignIn(message);
}

function startSession(session: Session) {
  state.session = session;
  byId('who').textContent = `Signed in as ${session.name || session.username}`;
  byId('account').hidden = false;
  state.expiryTimer = setTimeout(
    () => signOut('Your session has ended (sign-ins last 15 minutes). Sign in again.'),
    Math.max(0, session.expiresAt - Date.now()),
  );
  renderDashboard();
  state.closeFeed = openFeed(session.token, {
    onEvent: applyFeedEvent,
    onState: showFeedState,
    onUnauthorized: (message) => signOut(`${message} Sign in again.`),
  });
  void loadStores();
}

byId('sign-out').addEventListener('click', () => signOut('You are signed out.'));

// ---------- the dashboard ----------

function renderDashboard() {
  const files = h('input', { id: 'files', type: 'file', multiple: true, accept: '.csv,text/csv', required: true });
  const uploadForm = h(
    'form',
    { id: 'upload-form', class: 'upload-form' },
    h('label', { for: 'files' }, 'CSV files (store,item,count)'),
    files,
    h('button', { type: 'submit' }, 'Upload'),
  );
  uploadForm.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const file of files.files ?? []) void upload(file);
    uploadForm.reset();
  });
  const managerNote = state.session?.roles.includes('inventory-manager')
    ? undefined
    : h('p', { class: 'hint' }, 'Uploading needs the inventory-manager role; ask an operator to grant it.');

  const storePicker = h('select', { id: 'store' });
  storePicker.addEventListener('change', () => void selectStore(storePicker.value));
  const search = h('input', { id: 'search', type: 'search', autocomplete: 'off', placeholder: 'Item name' });
  search.addEventListener('input', () => {
    state.view = { ...state.view, query: search.value };
    renderStock();
  });
  const outOnly = h('input', { id: 'out-only', type: 'checkbox' });
  outOnly.addEventListener('change', () => {
    state.view = { ...state.view, outOfStockOnly: outOnly.checked };
    renderStock();
  });
  const header = (key: SortKey, label: string) =>
    h(
      'th',
      { scope: 'col', 'data-sort': key },
      h(
        'button',
        {
          type: 'button',
          class: 'sort',
          onclick: () => {
            state.view = { ...state.view, ...nextSort(state.view, key) };
            renderStock();
          },
        },
        label,
      ),
    );

  app.replaceChildren(
    h(
      'section',
      { class: 'card uploads', 'aria-labelledby': 'uploads-title' },
      h('h2', { id: 'uploads-title' }, 'Upload stock files'),
      uploadForm,
      managerNote,
      h('ul', { id: 'upload-list', class: 'upload-list', 'aria-live': 'polite' }),
    ),
    h(
      'section',
      { class: 'card stock', 'aria-labelledby': 'stock-title' },
      h('h2', { id: 'stock-title' }, 'Stock'),
      h(
        'div',
        { class: 'filters' },
        h('div', {}, h('label', { for: 'store' }, 'Store'), storePicker),
        h('div', {}, h('label', { for: 'search' }, 'Search items'), search),
        h('div', { class: 'check' }, outOnly, h('label', { for: 'out-only' }, 'Out of stock only')),
      ),
      h('p', { id: 'stock-error', class: 'error', role: 'alert' }),
      h('p', { id: 'totals', class: 'totals', 'aria-live': 'polite' }),
      h(
        'div',
        { class: 'table-wrap', tabindex: 0, 'aria-labelledby': 'stock-title' },
        h(
          'table',
          { id: 'stock-table' },
          h('caption', { id: 'stock-caption' }),
          h('thead', {}, h('tr', {}, header('item', 'Item'), header('count', 'Count'), header('updatedAt', 'Updated'))),
          h('tbody', { id: 'stock-rows' }),
        ),
      ),
    ),
    h(
      'section',
      { class: 'card alerts', 'aria-labelledby': 'alerts-title' },
      h('h2', { id: 'alerts-title' }, 'Recent alerts'),
      h('ol', {
        id: 'alerts',
        class: 'alert-list',
        'aria-live': 'polite',
        tabindex: 0,
        'aria-labelledby': 'alerts-title',
      }),
    ),
  );
  renderUploads();
  renderStock();
  renderAlerts();
}

function showFeedState(feed: FeedState) {
  const live = byId('live');
  live.dataset.state = feed;
  live.textContent = feed === 'live' ? 'Live' : feed === 'connecting' ? 'Connecting…' : 'Reconnecting…';
}

// ---------- uploads ----------

const rowsText = (count: number) => `${count.toLocaleString()} ${count === 1 ? 'row' : 'rows'}`;

function describeUpload(entry: UploadEntry): string {
  switch (entry.phase) {
    case 'uploading':
      return entry.progress >= 1 ? 'Sent: waiting for the service…' : `Uploading… ${Math.round(entry.progress * 100)}%`;
    case 'received':
      return 'Uploaded: waiting for a worker';
    case 'processing':
      return 'Processing…';
    case 'done':
      return `Done: ${rowsText(entry.accepted ?? 0)} accepted, ${entry.rejected ?? 0} rejected`;
    case 'failed':
      return `Failed: ${entry.message ?? 'the file could not be processed'}`;
  }
}

function renderUploads() {
  const list = document.getElementById('upload-list');
  if (!list) return;
  list.replaceChildren(
    ...state.uploads.map((entry) => {
      const percent = Math.round(entry.progress * 100);
      const rejectedTable =
        entry.rejectedRows.length > 0
          ? h(
              'table',
              { class: 'rejected' },
              h(
                'caption',
                {},
                entry.rejected !== undefined && entry.rejected > entry.rejectedRows.length
                  ? `Rejected rows (first ${entry.rejectedRows.length} of ${entry.rejected})`
                  : 'Rejected rows',
              ),
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Reason'))),
              h(
                'tbody',
                {},
                ...entry.rejectedRows.map((row) => h('tr', {}, h('td', {}, row.line), h('td', {}, row.reason))),
              ),
            )
          : undefined;
      return h(
        'li',
        { class: `upload ${entry.phase}`, 'data-phase': entry.phase, 'data-file': entry.name },
        h('span', { class: 'file-name' }, entry.name),
        h('progress', { max: 100, value: percent, 'aria-label': `Upload of ${entry.name}` }),
        h('span', { class: 'percent' }, `${percent}%`),
        h('p', { class: 'upload-status' }, describeUpload(entry)),
        rejectedTable,
      );
    }),
  );
}

async function upload(file: File) {
  const session = state.session;
  if (!session) return;
  const entry: UploadEntry = { key: ++uploadKeys, name: file.name, progress: 0, phase: 'uploading', rejectedRows: [] };
  state.uploads.unshift(entry);
  renderUploads();
  let lastDrawn = 0;
  try {
    entry.uploadId = await sendFile(file, session.token, (fraction) => {
      entry.progress = fraction;
      if (fraction === 1 || Date.now() - lastDrawn > 100) {
        lastDrawn = Date.now();
        renderUploads();
      }
    });
    entry.phase = 'received';
    renderUploads();
    await followUpload(entry, session);
  } catch (error) {
    entry.phase = 'failed';
    handleFailure(error, (message) => {
      entry.message = message;
    });
    renderUploads();
  }
}

async function followUpload(entry: UploadEntry, session: Session) {
  const started = Date.now();
  let wait = 500;
  while (state.session === session && Date.now() - started < 30 * 60_000) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 1.5, 3_000);
    const status = await uploadStatus(session.token, entry.uploadId ?? '');
    entry.phase = status.status;
    entry.accepted = status.rowsAccepted;
    entry.rejected = status.rowsRejected;
    entry.rejectedRows = status.rejectedRows;
    entry.message = status.reason;
    renderUploads();
    if (status.status === 'done' || status.status === 'failed') {
      // The live feed normally brings the new counts already; this covers a feed that is down.
      void loadStores();
      return;
    }
  }
}

// ---------- stock ----------

async function loadStores() {
  const session = state.session;
  if (!session) return;
  try {
    const names = await storeNames(session.token);
    for (const name of names) if (!state.stores.includes(name)) state.stores.push(name);
    state.stores.sort((a, b) => a.localeCompare(b));
    renderStorePicker();
    const wanted = state.store ?? state.stores[0];
    if (wanted) await selectStore(wanted);
    else renderStock();
  } catch (error) {
    handleFailure(error, (message) => {
      byId('stock-error').textContent = message;
    });
  }
}

function renderStorePicker() {
  const picker = document.getElementById('store') as HTMLSelectElement | null;
  if (!picker) return;
  picker.replaceChildren(...state.stores.map((name) => h('option', { value: name }, name)));
  picker.disabled = state.stores.length === 0;
  if (state.store) picker.value = state.store;
}

async function selectStore(store: string) {
  const session = state.session;
  if (!session) return;
  state.store = store;
  renderStorePicker();
  try {
    const items = await storeItems(session.token, store);
    if (state.store !== store) return;
    state.rows.clear();
    for (const item of items) state.rows.set(item.item, item);
    byId('stock-error').textContent = '';
  } catch (error) {
    handleFailure(error, (message) => {
      byId('stock-error').textContent = message;
    });
  }
  renderStock();
}

/** Past this many rows a table is slow to draw and no help to read: search narrows it. */
const maxRowsShown = 500;

function renderStock() {
  const body = document.getElementById('stock-rows');
  if (!body) return;
  const all = [...state.rows.values()];
  const rows = visibleRows(all, state.view);
  const sum = totals(all);
  byId('stock-caption').textContent = state.store ? `Stock in ${state.store}` : 'No store selected';
  byId('totals').textContent = state.store
    ? `${sum.items.toLocaleString()} items · ${sum.units.toLocaleString()} units in stock · ${sum.outOfStock.toLocaleString()} out of stock`
    : 'No stock yet: upload a CSV file to start.';
  for (const cell of document.querySelectorAll<HTMLElement>('#stock-table th[data-sort]')) {
    const sorted = cell.dataset.sort === state.view.sortKey;
    if (sorted) cell.setAttribute('aria-sort', state.view.sortDirection);
    else cell.removeAttribute('aria-sort');
  }
  const shown = rows.slice(0, maxRowsShown);
  body.replaceChildren(
    ...shown.map((row) => {
      const out = row.count === 0;
      return h(
        'tr',
        {
          class: [out ? 'out' : '', state.changed.has(row.item) ? 'changed' : ''].join(' ').trim() || undefined,
          'data-item': row.item,
        },
        h('th', { scope: 'row' }, row.item),
        h(
          'td',
          { class: 'count' },
          row.count.toLocaleString(),
          out ? h('span', { class: 'badge' }, 'Out of stock') : undefined,
        ),
        h('td', {}, row.updatedAt ? new Date(row.updatedAt).toLocaleString() : ''),
      );
    }),
  );
  if (rows.length > shown.length) {
    body.append(
      h(
        'tr',
        {},
        h(
          'td',
          { colspan: 3, class: 'more' },
          `Showing ${shown.length} of ${rows.length.toLocaleString()} items: search to narrow.`,
        ),
      ),
    );
  }
  if (rows.length === 0 && all.length > 0) {
    body.append(h('tr', {}, h('td', { colspan: 3 }, 'No items match the search.')));
  }
}

function applyStockChange(change: StockItem) {
  if (!state.stores.includes(change.store)) {
    state.stores.push(change.store);
    state.stores.sort((a, b) => a.localeCompare(b));
    renderStorePicker();
    if (!state.store) void selectStore(change.store);
  }
  if (change.store !== state.store) return;
  state.rows.set(change.item, change);
  state.changed.set(change.item, Date.now());
  sweepChangedLater();
}

const highlightMs = 3_000;
let sweepTimer: ReturnType<typeof setTimeout> | undefined;

/** One timer for all highlighted rows, however many changed at once. */
function sweepChangedLater() {
  if (sweepTimer) return;
  sweepTimer = setTimeout(() => {
    sweepTimer = undefined;
    const now = Date.now();
    for (const [item, at] of state.changed) if (now - at >= highlightMs) state.changed.delete(item);
    drawStockSoon();
    if (state.changed.size > 0) sweepChangedLater();
  }, highlightMs / 2);
}

let pendingDraw = false;
let feedConnections = 0;
function applyFeedEvent(event: ServerEvent) {
  // Following again after a reconnect: reload what the page shows, so nothing missed stays wrong.
  if (event.event === 'ready') {
    if (feedConnections++ > 0) void loadStores();
    return;
  }
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(event.data) as Record<string, unknown>;
  } catch {
    return;
  }
  if (event.event === 'stock') {
    const change = stockItemFrom(payload);
    if (change) applyStockChange(change);
  } else if (event.event === 'alert') {
    const kind = payload.kind === 'back-in-stock' ? 'back-in-stock' : 'out-of-stock';
    state.alerts.unshift({
      store: String(payload.store),
      item: String(payload.item),
      kind,
      at: typeof payload.at === 'string' ? payload.at : new Date().toISOString(),
    });
    state.alerts.length = Math.min(state.alerts.length, 50);
    renderAlerts();
  }
  drawStockSoon();
}

/** A file of thousands of rows arrives as thousands of events: draw once per frame. */
function drawStockSoon() {
  if (pendingDraw) return;
  pendingDraw = true;
  requestAnimationFrame(() => {
    pendingDraw = false;
    renderStock();
  });
}

// ---------- alerts ----------

function renderAlerts() {
  const list = document.getElementById('alerts');
  if (!list) return;
  if (state.alerts.length === 0) {
    list.replaceChildren(h('li', { class: 'empty' }, 'No alerts since you opened the page.'));
    return;
  }
  list.replaceChildren(
    ...state.alerts.map((alert) =>
      h(
        'li',
        { class: `alert ${alert.kind}`, 'data-kind': alert.kind },
        h(
          'span',
          {},
          alert.kind === 'out-of-stock'
            ? `${alert.store} is out of stock of ${alert.item}`
            : `${alert.store} has ${alert.item} back in stock`,
        ),
        h('time', { datetime: alert.at }, new Date(alert.at).toLocaleTimeString()),
      ),
    ),
  );
}

// ---------- start ----------

const existing = loadSession();
if (existing) startSession(existing);
else renderSignIn();
