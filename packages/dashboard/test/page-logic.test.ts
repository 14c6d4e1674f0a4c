/** The page's pure logic, run in Node: the stock table's filter, sort and totals; error messages; SSE parsing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { messageForProblem } from '../web/problems.ts';
import { createEventParser, type ServerEvent } from '../web/sse.ts';
import { nextSort, type TableView, totals, visibleRows } from '../web/stock.ts';

const rows = [
  { item: 'Echo Show', count: 4, updatedAt: '2026-01-02T00:00:00Z' },
  { item: 'Echo Plus', count: 0, updatedAt: '2026-01-03T00:00:00Z' },
  { item: 'echo dot', count: 12, updatedAt: '2026-01-01T00:00:00Z' },
  { item: 'Kindle 10', count: 7 },
  { item: 'Kindle 9', count: 7 },
];
const view: TableView = { query: '', outOfStockOnly: false, sortKey: 'item', sortDirection: 'ascending' };
const names = (list: { item: string }[]) => list.map((row) => row.item);

describe('the stock table', () => {
  it('sorts by name, case-insensitively and with numbers in numeric order', () => {
    assert.deepEqual(names(visibleRows(rows, view)), ['echo dot', 'Echo Plus', 'Echo Show', 'Kindle 9', 'Kindle 10']);
  });

  it('sorts by count either way, ties by name', () => {
    assert.deepEqual(names(visibleRows(rows, { ...view, sortKey: 'count', sortDirection: 'descending' })), [
      'echo dot',
      'Kindle 10',
      'Kindle 9',
      'Echo Show',
      'Echo Plus',
    ]);
    assert.deepEqual(names(visibleRows(rows, { ...view, sortKey: 'count' })).slice(0, 2), ['Echo Plus', 'Echo Show']);
  });

  it('searches item names and keeps only out-of-stock items when asked', () => {
    assert.deepEqual(names(visibleRows(rows, { ...view, query: ' ECHO ' })), ['echo dot', 'Echo Plus', 'Echo Show']);
    assert.deepEqual(names(visibleRows(rows, { ...view, outOfStockOnly: true })), ['Echo Plus']);
    assert.deepEqual(visibleRows(rows, { ...view, query: 'nothing like it' }), []);
  });

  it('totals items, units and out-of-stock items', () => {
    assert.deepEqual(totals(rows), { items: 5, units: 30, outOfStock: 1 });
    assert.deepEqual(totals([]), { items: 0, units: 0, outOfStock: 0 });
  });

  it('reverses the order when the same column is clicked again', () => {
    assert.deepEqual(nextSort(view, 'item'), { sortKey: 'item', sortDirection: 'descending' });
    assert.deepEqual(nextSort(view, 'count'), { sortKey: 'count', sortDirection: 'descending' });
  });
});

describe('error messages', () => {
  it('uses the problem detail', () => {
    assert.equal(
      messageForProblem(403, { status: 403, title: 'Forbidden', detail: 'This needs the "inventory-manager" role' }),
      'This needs the "inventory-manager" role.',
    );
  });

  it('lists the fields of a validation problem', () => {
    const message = messageForProblem(400, {
      detail: 'The request does not match the schema',
      errors: [{ path: '/password', message: 'must NOT have fewer than 1 characters' }],
    });
    assert.equal(message, 'The request does not match the schema. password must NOT have fewer than 1 characters.');
  });

  it('explains a status without a problem body', () => {
    assert.equal(messageForProblem(503, undefined), 'The service is unavailable right now. Try again in a moment.');
    assert.equal(messageForProblem(418, '<html>'), 'The request failed (HTTP 418).');
  });
});

describe('server-sent events', () => {
  it('parses events split across chunks, with comments and several data lines', () => {
    const events: ServerEvent[] = [];
    const parse = createEventParser((event) => events.push(event));
    parse(': keep-alive\n\nevent: stock\ndata: {"a":');
    parse('1}\n\nid: 7\r\ndata: one\r\ndata: two\r\n\r\n');
    assert.deepEqual(events, [
      { event: 'stock', data: '{"a":1}' },
      { event: 'message', data: 'one\ntwo', id: '7' },
    ]);
  });
});
