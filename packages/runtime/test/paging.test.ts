import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cursorValues, decodeCursor, encodeCursor, InvalidCursorError } from '../src/ids.ts';
import { readPage } from '../src/paging.ts';
import { HttpProblem } from '../src/problem.ts';

test('decodeCursor throws a domain error, not an HTTP problem, for a cursor it did not issue', () => {
  assert.throws(() => decodeCursor('bm90LWpzb24', { id: cursorValues.any }), InvalidCursorError);
  assert.throws(() => decodeCursor(encodeCursor({ other: 'x' }), { id: cursorValues.any }), InvalidCursorError);
  assert.deepEqual(decodeCursor(encodeCursor({ id: 'x' }), { id: cursorValues.any }), { id: 'x' });
});

test('readPage fills in the documented default limit and passes the cursor through', async () => {
  const seen = await readPage({ cursor: 'abc' }, async (page) => page);
  assert.deepEqual(seen, { limit: 20, cursor: 'abc' });
  assert.deepEqual(await readPage({ limit: 5 }, async (page) => page), { limit: 5, cursor: undefined });
});

test('readPage turns a refused cursor into a 400 problem and lets every other error through', async () => {
  await assert.rejects(
    readPage({}, async () => {
      throw new InvalidCursorError('The cursor belongs to another topic');
    }),
    (error: unknown) =>
      error instanceof HttpProblem && error.status === 400 && error.message === 'The cursor belongs to another topic',
  );
  const transient = new Error('ProvisionedThroughputExceededException');
  await assert.rejects(
    readPage({}, async () => {
      throw transient;
    }),
    (error: unknown) => error === transient,
  );
});
