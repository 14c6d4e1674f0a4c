/**
 * The forum and inventory system tests as child `node --test` runs against a system that is
 * already running (see running-system.ts): how the compose engine test proves the containers
 * give the same system the launcher does.
 */
import { spawn } from 'node:child_process';
import { emulatorCredentials } from '../local/emulator.ts';
import { repoRoot } from '../paths.ts';
import type { ExternalSystem } from './external-system.ts';

export const systemTestFiles = ['tools/test/forum.system.test.ts', 'services/inventory/test/system.test.ts'] as const;

export interface TestFileRun {
  readonly exitCode: number | null;
  /** the runner's report (TAP-like lines), for the failure message */
  readonly output: string;
}

export async function runSystemTestFile(file: string, system: ExternalSystem): Promise<TestFileRun> {
  const child = spawn(process.execPath, ['--test', '--test-reporter=spec', '--test-timeout=300000', file], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...emulatorCredentials,
      AGORA_SYSTEM_URL: system.gatewayUrl,
      AWS_ENDPOINT_URL: system.endpoint,
      AGORA_PREFIX: system.prefix,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exitCode = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { exitCode, output };
}
