/**
 * The test command: one emulator for the whole run (or the endpoint in AWS_ENDPOINT_URL), then
 * node's test runner over every workspace's test files, in parallel. Each file makes its own
 * resources under a unique prefix, so files never see each other's data.
 *   npm test                    every test
 *   npm test -- services/users  only the files under these paths
 */
import { spawn } from 'node:child_process';
import { glob } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { ensureDashboardBuilt } from '@agora/dashboard/build';
import { emulatorCredentials, startEmulator } from '../local/emulator.ts';
import { repoRoot } from '../paths.ts';

const patterns = [
  'packages/*/test/**/*.test.ts',
  'services/*/test/**/*.test.ts',
  'tools/test/**/*.test.ts',
  'infra/test/**/*.test.ts',
];
const filters = process.argv.slice(2);

const files: string[] = [];
for (const pattern of patterns) {
  for await (const file of glob(pattern, { cwd: repoRoot, exclude: (name) => name.includes('node_modules') })) {
    if (filters.length === 0 || filters.some((filter) => file.startsWith(filter.replace(/^\.\//, ''))))
      files.push(file);
  }
}
files.sort();
if (files.length === 0) {
  process.stderr.write(`no test files match ${filters.join(' ')}\n`);
  process.exit(1);
}

// The gateway serves the web app's build, and the browser tests load it.
await ensureDashboardBuilt({ log: (line) => process.stdout.write(`${line}\n`) });
const emulator = await startEmulator({ log: (line) => process.stdout.write(`${line}\n`) });
const concurrency = Math.max(2, availableParallelism() * 2);
const child = spawn(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-timeout=120000', ...files],
  {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...emulatorCredentials, ...process.env, AWS_ENDPOINT_URL: emulator.endpoint, AGORA_TEST_RUN: '1' },
  },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
await emulator.stop();
process.exit(code ?? 1);
