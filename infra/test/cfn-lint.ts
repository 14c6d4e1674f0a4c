/**
 * cfn-lint, pinned in infra/requirements.txt, installed into the project venv (.agora/venv) with
 * the other Python tools, all resolved together (tools/src/install/python-tools.ts).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensurePythonToolsInstalled, venvBin } from '@agora/tools/install/python-tools';

const run = promisify(execFile);
export const cfnLintBin = venvBin('cfn-lint');

export interface LintMatch {
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Rule: { readonly Id: string; readonly Description: string };
  readonly Message: string;
  readonly Filename: string;
  readonly Location: { readonly Path?: readonly (string | number)[] };
}

/** Runs cfn-lint over the templates; resolves with every match (errors, warnings, informational). */
export async function cfnLint(templates: readonly string[]): Promise<LintMatch[]> {
  await ensurePythonToolsInstalled();
  try {
    const { stdout } = await run(cfnLintBin, ['--format', 'json', '--', ...templates], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.trim() ? JSON.parse(stdout) : [];
  } catch (error) {
    // cfn-lint exits non-zero when it finds anything; its findings are still on stdout.
    const stdout = (error as { stdout?: string }).stdout;
    if (stdout?.trim().startsWith('[')) return JSON.parse(stdout);
    throw error;
  }
}
