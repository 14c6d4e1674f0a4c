/**
 * A node:test reporter that prints one JSON line when the run ends: how many tests passed, failed,
 * were skipped or todo, and the names of those that failed. Suites are not tests; neither is the
 * entry the runner makes for a file that declares no test (named after the file, it "passes"),
 * so a run of files without tests counts zero. A file that fails to load counts as a failure.
 * Used by system-tests.ts:  node --test --test-reporter=tools/src/testing/count-reporter.ts …
 */
import type { TestEvent } from 'node:test/reporters';

export interface TestCounts {
  readonly pass: number;
  readonly fail: number;
  readonly skipped: number;
  readonly todo: number;
  readonly failed: readonly string[];
}

export const countsMarker = 'agora-test-counts ';

export default async function* countReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const counts = { pass: 0, fail: 0, skipped: 0, todo: 0, failed: [] as string[] };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, file, nesting, skip, todo, details } = event.data;
    if (details.type === 'suite') continue;
    const fileEntry = nesting === 0 && name === file;
    if (todo !== undefined && todo !== false) counts.todo++;
    else if (event.type === 'test:fail') {
      counts.fail++;
      counts.failed.push(fileEntry ? `${name} (the file itself)` : name);
    } else if (fileEntry) continue;
    else if (skip !== undefined && skip !== false) counts.skipped++;
    else counts.pass++;
  }
  yield `${countsMarker}${JSON.stringify(counts)}\n`;
}
