/** The inventory section (signed in): the uploads, stock and alerts cards, wired to their views. */
import { renderAlerts } from './alerts-view.ts';
import { h } from './dom.ts';
import { app, state } from './state.ts';
import { nextSort, type SortKey } from './stock.ts';
import { renderStock, selectStore } from './stock-view.ts';
import { renderUploads, upload } from './uploads-view.ts';

export function renderDashboard() {
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

  app.className = 'inventory';
  app.replaceChildren(
    h(
      'div',
      { class: 'section-head' },
      h('h1', { id: 'view-title', tabindex: -1 }, 'Inventory'),
      h('span', { id: 'stock-live', class: 'live', role: 'status', 'aria-label': 'Stock feed' }),
    ),
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
