/** The stock table's logic, apart from the page: filter, sort, totals. Pure, so tests run it in Node. */
export interface StockRow {
  readonly item: string;
  readonly count: number;
  readonly updatedAt?: string;
}

export type SortKey = 'item' | 'count' | 'updatedAt';
export type SortDirection = 'ascending' | 'descending';

export interface TableView {
  readonly query: string;
  readonly outOfStockOnly: boolean;
  readonly sortKey: SortKey;
  readonly sortDirection: SortDirection;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function visibleRows(rows: Iterable<StockRow>, view: TableView): StockRow[] {
  const query = view.query.trim().toLocaleLowerCase();
  const kept = [...rows].filter(
    (row) =>
      (!view.outOfStockOnly || row.count === 0) && (query === '' || row.item.toLocaleLowerCase().includes(query)),
  );
  const sign = view.sortDirection === 'ascending' ? 1 : -1;
  return kept.sort((a, b) => {
    let order: number;
    if (view.sortKey === 'count') order = a.count - b.count;
    else if (view.sortKey === 'updatedAt') order = (a.updatedAt ?? '').localeCompare(b.updatedAt ?? '');
    else order = 0;
    return sign * (order || collator.compare(a.item, b.item));
  });
}

export interface StockTotals {
  readonly items: number;
  readonly units: number;
  readonly outOfStock: number;
}

export function totals(rows: Iterable<StockRow>): StockTotals {
  let items = 0;
  let units = 0;
  let outOfStock = 0;
  for (const row of rows) {
    items += 1;
    units += row.count;
    if (row.count === 0) outOfStock += 1;
  }
  return { items, units, outOfStock };
}

/** Clicking a column sorts by it; clicking it again reverses the order. */
export function nextSort(view: TableView, key: SortKey): Pick<TableView, 'sortKey' | 'sortDirection'> {
  if (view.sortKey === key) {
    return { sortKey: key, sortDirection: view.sortDirection === 'ascending' ? 'descending' : 'ascending' };
  }
  return { sortKey: key, sortDirection: key === 'item' ? 'ascending' : 'descending' };
}
