/**
 * The nested test run the compose engine test relies on: it runs the files it is given even from
 * inside a test file (whose NODE_TEST_CONTEXT once made the child skip everything and exit 0),
 * counts what they did, and calls a run that executed no test a failure.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { nestedRunFailure, runNestedTests } from '../src/testing/system-tests.ts';

describe('a nested test run', () => {
  let dir = '';
  const fixture = (name: string) => join(dir, `${name}.test.mjs`);
  before(async () => {
    // This file runs under node --test: the variable the bug came from is really here.
    assert.ok(process.env.NODE_TEST_CONTEXT, 'this test runs inside a test runner');
    dir = await mkdtemp(join(tmpdir(), 'agora-nested-'));
    const imports = "import { test } from 'node:test';\n";
    await writeFile(fixture('passing'), `${imports}test('one', () => {});\ntest('two', () => {});\n`);
    await writeFile(
      fixture('failing'),
      `${imports}test('ok', () => {});\ntest('broken', () => { throw new Error('no'); });\n`,
    );
    await writeFile(fixture('crashing'), "throw new Error('cannot load');\n");
    await writeFile(fixture('empty'), '// no test at all\n');
    await writeFile(fixture('all-skipped'), `${imports}test('later', { skip: 'not here' }, () => {});\n`);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('runs the files it is given and counts what passed', async () => {
    const run = await runNestedTests([fixture('passing')], {});
    assert.equal(run.exitCode, 0, run.output);
    assert.deepEqual(run.counts, { pass: 2, fail: 0, skipped: 0, todo: 0, failed: [] });
    assert.equal(nestedRunFailure(run), undefined);
  });

  test('a failing test fails the run, with the counts', async () => {
    const run = await runNestedTests([fixture('failing')], {});
    assert.equal(run.counts?.pass, 1);
    assert.equal(run.counts?.fail, 1);
    assert.equal(nestedRunFailure(run), '1 failed (broken), 1 passed');
  });

  test('a run that executes no test is a failure, though the child exits 0', async () => {
    const empty = await runNestedTests([fixture('empty')], {});
    assert.equal(empty.exitCode, 0, 'node --test itself calls an empty file a pass');
    assert.equal(empty.counts?.pass, 0, 'the entry node makes for a file without tests is no test');
    assert.equal(nestedRunFailure(empty), 'no test was executed (0 skipped, 0 todo)');
    const skipped = await runNestedTests([fixture('all-skipped')], {});
    assert.equal(skipped.exitCode, 0);
    assert.equal(skipped.counts?.skipped, 1);
    assert.equal(nestedRunFailure(skipped), 'no test was executed (1 skipped, 0 todo)');
  });

  test('a file that cannot load is a failure, and so is a missing one', async () => {
    const crashing = await runNestedTests([fixture('crashing')], {});
    assert.equal(crashing.counts?.fail, 1);
    assert.match(String(nestedRunFailure(crashing)), /^1 failed \(.*crashing\.test\.mjs \(the file itself\)\)/);
    const missing = await runNestedTests([join(dir, 'missing.test.mjs')], {});
    assert.notEqual(missing.exitCode, 0);
    assert.match(String(nestedRunFailure(missing)), /no test (counts|was executed)/);
  });
});
