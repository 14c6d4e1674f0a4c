/**
 * Test files run as a nested `node --test`, with what they did counted: how the compose engine
 * test runs the forum and inventory system tests against a system that is already running (see
 * external-system.ts) and proves the containers give the same system the launcher does.
 *
 * A nested run inherits nothing of the runner it sits in: a parent test file's NODE_TEST_CONTEXT
 * makes the child runner skip its files and exit 0 having run nothing. Its verdict is read from
 * the counts count-reporter.ts prints, and a run that executed no test is a failure, whatever its
 * exit code.
 */
import { join } from 'node:path';
import { emulatorCredentials } from '../local/emulator.ts';
import { repoRoot } from '../paths.ts';
import { countsMarker, type TestCounts } from './count-reporter.ts';
import type { ExternalSystem } from './external-system.ts';
import { runCommand } from './run-command.ts';

export type { TestCounts } from './count-reporter.ts';

export const systemTestFiles = ['tools/test/forum.system.test.ts', 'services/inventory/test/system.test.ts'] as const;

export interface NestedRun {
  readonly exitCode: number | null;
  /** undefined when the child printed no counts (it crashed, or never ran as a test runner) */
  readonly counts: TestCounts | undefined;
  /** the child's spec report and its other output, for the failure message */
  readonly output: string;
}

const countReporter = join(repoRoot, 'tools/src/testing/count-reporter.ts');

/** Why the run does not count as passing, or undefined when it passed with at least one test executed. */
export function nestedRunFailure(run: NestedRun): string | undefined {
  if (!run.counts) return `the nested run printed no test counts (exit code ${run.exitCode})`;
  const { pass, fail, skipped, todo, failed } = run.counts;
  if (fail > 0) return `${fail} failed (${failed.join('; ')}), ${pass} passed`;
  if (pass === 0) return `no test was executed (${skipped} skipped, ${todo} todo)`;
  if (run.exitCode !== 0) return `the nested run exited ${run.exitCode} with ${pass} passing`;
  return undefined;
}

/** The environment without what a surrounding test runner set for its own children. */
export function cleanTestEnvironment(environment: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(environment).filter(([name]) => !name.startsWith('NODE_TEST_')));
}

export async function runNestedTests(
  files: readonly string[],
  environment: Record<string, string>,
  /** timeoutMs: each nested test's; runTimeoutMs: the whole run's, past which it is killed */
  options: { timeoutMs?: number; runTimeoutMs?: number } = {},
): Promise<NestedRun> {
  const testTimeoutMs = options.timeoutMs ?? 300_000;
  const args = [
    '--test',
    `--test-reporter=${countReporter}`,
    '--test-reporter-destination=stdout',
    '--test-reporter=spec',
    '--test-reporter-destination=stderr',
    `--test-timeout=${testTimeoutMs}`,
    ...files,
  ];
  // The whole run is bounded like the engine test that runs it (10 minutes), so no child outlives it.
  const {
    code: exitCode,
    stdout,
    stderr,
  } = await runCommand(process.execPath, args, {
    env: { ...cleanTestEnvironment(), ...environment },
    timeoutMs: options.runTimeoutMs ?? 600_000,
  });
  const line = stdout.split('\n').findLast((candidate) => candidate.startsWith(countsMarker));
  const counts = line ? (JSON.parse(line.slice(countsMarker.length)) as TestCounts) : undefined;
  return { exitCode, counts, output: `${stderr}${stdout}` };
}

/** One system test file against the running system. */
export function runSystemTestFile(file: string, system: ExternalSystem): Promise<NestedRun> {
  return runNestedTests([file], {
    ...emulatorCredentials,
    AGORA_SYSTEM_URL: system.gatewayUrl,
    AWS_ENDPOINT_URL: system.endpoint,
    AGORA_PREFIX: system.prefix,
  });
}
