/**
 * The app's pure logic, run in Node: the stock table's filter, sort and totals; error messages; SSE
 * parsing; the topics list's order; the forum feed's events; routes; the field rules in words.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { Topic } from '@agora/catalogue/api-shapes';
import { firstTopicsPage } from '../web/forum-api.ts';
import { forumEventFrom } from '../web/forum-live.ts';
import { messageForProblem } from '../web/problems.ts';
import { routeOf } from '../web/routes.ts';
import { describeRule, fieldRules, ruleProblem } from '../web/rules.ts';
import { createEventParser, type ServerEvent } from '../web/sse.ts';
import { nextSort, type TableView, totals, visibleRows } from '../web/stock.ts';
import { belongsInShown, mergeTopics } from '../web/topic-list.ts';

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

describe('the topics list', () => {
  const topic = (topicId: string, lastActivityAt: string, title = topicId) =>
    ({ topicId, title, authorId: 'u', createdAt: lastActivityAt, lastActivityAt, messageCount: 0 }) as Topic;

  it('keeps each topic once, in its latest state, newest activity first', () => {
    const shown = [topic('a', '2026-01-03'), topic('b', '2026-01-02')];
    const merged = mergeTopics(shown, [topic('b', '2026-01-04', 'b again'), topic('c', '2026-01-01')]);
    assert.deepEqual(
      merged.map((entry) => [entry.topicId, entry.title]),
      [
        ['b', 'b again'],
        ['a', 'a'],
        ['c', 'c'],
      ],
    );
    // An older copy (a page read before a live update) does not undo the newer one.
    assert.equal(mergeTopics(merged, [topic('b', '2026-01-02')])[0]?.title, 'b again');
  });

  it('takes a live topic among those shown only where it belongs', () => {
    const shown = [topic('a', '2026-01-03'), topic('b', '2026-01-02')];
    assert.equal(belongsInShown(shown, topic('c', '2026-01-01'), false), false, 'it comes with a later page');
    assert.equal(belongsInShown(shown, topic('c', '2026-01-01'), true), true, 'the whole list is shown');
    assert.equal(belongsInShown(shown, topic('c', '2026-01-05'), false), true);
  });
});

describe('the forum live feed', () => {
  it('reads the events of the contract, and ignores anything else', () => {
    const topic = { topicId: 't', title: 'T', authorId: 'u', createdAt: 'x', lastActivityAt: 'y', messageCount: 2 };
    assert.deepEqual(forumEventFrom({ event: 'topic', data: JSON.stringify(topic) }), { kind: 'topic', topic });
    assert.deepEqual(forumEventFrom({ event: 'topic-deleted', data: '{"topicId":"t"}' }), {
      kind: 'topic-deleted',
      topicId: 't',
    });
    const posted = { topicId: 't', messageId: 'm', authorId: 'u', createdAt: '2026-01-01T00:00:00Z' };
    assert.deepEqual(forumEventFrom({ event: 'message', data: JSON.stringify(posted) }), {
      kind: 'message',
      ...posted,
    });
    assert.deepEqual(forumEventFrom({ event: 'message-deleted', data: '{"topicId":"t","messageId":"m"}' }), {
      kind: 'message-deleted',
      topicId: 't',
      messageId: 'm',
    });
    for (const odd of [
      { event: 'message', data: '{"topicId":"t"}' },
      { event: 'topic', data: '{"topicId":"t"}' },
      { event: 'surprise', data: '{"topicId":"t"}' },
      { event: 'topic-deleted', data: 'not json' },
      { event: 'topic-deleted', data: 'null' },
    ]) {
      assert.equal(forumEventFrom(odd), undefined, JSON.stringify(odd));
    }
  });
});

describe('client-side routes', () => {
  it('names the view of each address', () => {
    assert.deepEqual(routeOf('/'), { name: 'topics' });
    assert.deepEqual(routeOf('/topics/abc-1'), { name: 'topic', topicId: 'abc-1' });
    assert.deepEqual(routeOf('/users/u%201'), { name: 'user', userId: 'u 1' });
    assert.deepEqual(routeOf('/inventory/'), { name: 'inventory' });
    assert.deepEqual(routeOf('/topics/a/b'), { name: 'not-found', path: '/topics/a/b' });
    assert.deepEqual(routeOf('/users/%E0%A4%A'), { name: 'not-found', path: '/users/%E0%A4%A' });
  });
});

describe("the API's field rules, in words", () => {
  it('explains and checks each rule as the API does', () => {
    assert.equal(describeRule(fieldRules.username), `3 to 32 characters: ${fieldRules.username.description}.`);
    assert.equal(ruleProblem(fieldRules.username, 'ada_99'), undefined);
    assert.match(ruleProblem(fieldRules.username, 'ad') ?? '', /At least 3/);
    assert.match(ruleProblem(fieldRules.username, 'ada lovelace') ?? '', /does not follow the rule/);
    assert.match(ruleProblem(fieldRules.displayName, 'Ada ') ?? '', /does not follow the rule/);
    assert.match(ruleProblem(fieldRules.messageBody, '   ') ?? '', /does not follow the rule/);
    assert.match(ruleProblem(fieldRules.messageBody, 'x'.repeat(10_001)) ?? '', /At most 10,000/);
    assert.equal(ruleProblem(fieldRules.password, 'correct horse'), undefined);
  });
});

describe('the first render', () => {
  it('preloads exactly the request the topics list makes first, so the browser does not ask twice', async () => {
    const html = await readFile(new URL('../index.html', import.meta.url), 'utf8');
    const preloads = [...html.matchAll(/<link rel="preload" href="([^"]+)" as="fetch" crossorigin="anonymous"/g)];
    assert.deepEqual(
      preloads.map((match) => match[1]),
      [firstTopicsPage],
    );
  });
});
