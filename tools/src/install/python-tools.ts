/**
 * The Python tools beside the emulator in the project venv (.agora/venv): cfn-lint
 * (infra/requirements.txt) and schemathesis (tools/fuzz/requirements.txt). Every requirements file
 * is installed in one pip run, so pip resolves them together and no tool's pins break another's
 * (then `pip check` must be clean). Reinstalls when any of the files changes (the emulator harness
 * recreates the venv when its own file changes; this then adds the tools back).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ensureEmulatorInstalled, venvDir } from '../local/emulator.ts';
import { repoRoot } from '../paths.ts';
import { installUnderVenvLock, requirementsHash } from './venv.ts';

const run = promisify(execFile);
export const requirementFiles = [
  `${repoRoot}tools/emulator/requirements.txt`,
  `${repoRoot}infra/requirements.txt`,
  `${repoRoot}tools/fuzz/requirements.txt`,
];

/** A console script installed in the project venv. */
export function venvBin(name: string): string {
  return `${venvDir}/bin/${name}`;
}

export async function ensurePythonToolsInstalled(): Promise<void> {
  await ensureEmulatorInstalled();
  const marker = `${venvDir}/.agora-tool-requirements`;
  const wanted = await requirementsHash(requirementFiles);
  const current = async () => existsSync(marker) && (await readFile(marker, 'utf8')) === wanted;
  if (await current()) return;
  await installUnderVenvLock(current, async () => {
    const python = venvBin('python');
    const args = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'];
    for (const file of requirementFiles) args.push('-r', file);
    await run(python, args, { maxBuffer: 16 * 1024 * 1024 });
    await run(python, ['-m', 'pip', 'check', '--disable-pip-version-check']);
    await writeFile(marker, wanted);
  });
}
