/**
 * cfn-lint, pinned in infra/requirements.txt, installed into the project venv (.agora/venv, which
 * the emulator harness creates) and resolved together with the emulator's requirements, so one
 * pip install never breaks the other. Reinstalls when either requirements file changes (the
 * emulator harness recreates the venv when its own file changes; this then adds cfn-lint back).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ensureEmulatorInstalled, venvDir } from '@agora/tools/emulator';
import { repoRoot } from '@agora/tools/paths';
import { installUnderVenvLock, requirementsHash } from '@agora/tools/venv';

const run = promisify(execFile);
const requirementFiles = [`${repoRoot}tools/emulator/requirements.txt`, `${repoRoot}infra/requirements.txt`];
export const cfnLintBin = `${venvDir}/bin/cfn-lint`;

export async function ensureCfnLintInstalled(): Promise<void> {
  await ensureEmulatorInstalled();
  const marker = `${venvDir}/.agora-infra-requirements`;
  const wanted = await requirementsHash(requirementFiles);
  const installed = async () =>
    existsSync(cfnLintBin) && existsSync(marker) && (await readFile(marker, 'utf8')) === wanted;
  if (await installed()) return;
  await installUnderVenvLock(installed, async () => {
    const args = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'];
    for (const file of requirementFiles) args.push('-r', file);
    await run(`${venvDir}/bin/python`, args, { maxBuffer: 16 * 1024 * 1024 });
    await writeFile(marker, wanted);
  });
}

export interface LintMatch {
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Rule: { readonly Id: string; readonly Description: string };
  readonly Message: string;
  readonly Filename: string;
  readonly Location: { readonly Path?: readonly (string | number)[] };
}

/** Runs cfn-lint over the templates; resolves with every match (errors, warnings, informational). */
export async function cfnLint(templates: readonly string[]): Promise<LintMatch[]> {
  await ensureCfnLintInstalled();
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
