/**
 * The project venv (.agora/venv) is shared: the emulator harness creates it and python-tools.ts
 * adds cfn-lint and schemathesis. Installers take one lock, so parallel test files never
 * pip-install at once.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { stateDir } from '../paths.ts';

/** What a marker file records: the requirement files an install was made from. */
export async function requirementsHash(files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) hash.update(await readFile(file));
  return hash.digest('hex');
}

/**
 * Runs `install` holding the venv lock. A caller that finds the lock taken waits for it, and
 * returns without installing once `installed` says another caller has done the work.
 */
export async function installUnderVenvLock(
  installed: () => Promise<boolean>,
  install: () => Promise<void>,
): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const lock = `${stateDir}/venv.lock`;
  while (true) {
    try {
      await mkdir(lock);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (await installed()) return;
    }
  }
  try {
    await install();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
