/** The stock table: the store picker, search, sort, totals, and live changes highlighted for a moment. */
import { type StockItem, storeItems, storeNames } from './api.ts';
import { byId, h } from './dom.ts';
import { handleFailure, state } from './state.ts';
import { totals, visibleRows } from './stock.ts';

export async function loadStores() {
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

export function renderStorePicker() {
  const picker = document.getElementById('store') as HTMLSelectElement | null;
  if (!picker) return;
  picker.replaceChildren(...state.stores.map((name) => h('option', { value: name }, name)));
  picker.disabled = state.stores.length === 0;
  if (state.store) picker.value = state.store;
}

export async function selectStore(store: string) {
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

export function renderStock() {
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

export function applyStockChange(change: StockItem) {
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

/** A file of thousands of rows arrives as thousands of events: draw once per frame. */
export function drawStockSoon() {
  if (pendingDraw) return;
  pendingDraw = true;
  requestAnimationFrame(() => {
    pendingDraw = false;
    renderStock();
  });
}
