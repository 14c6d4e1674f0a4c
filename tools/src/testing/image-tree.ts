/**
 * Lays out on disk what Dockerfile.base puts in /app for one workspace, by the same steps:
 * every manifest and the lockfile, `npm ci --omit=dev --ignore-scripts` once, then per service
 * tools/src/image-build/stage.ts `prune` and `copy-sources`. Used to run an image's start command
 * outside Docker and to measure what each image holds.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../paths.ts';

const run = promisify(execFile);

async function workspaceFolders(): Promise<string[]> {
  const lock = JSON.parse(await readFile(`${repoRoot}package-lock.json`, 'utf8')) as {
    packages: Record<string, unknown>;
  };
  return Object.keys(lock.packages).filter((location) => location !== '' && !location.includes('node_modules/'));
}

/** The `deps` stage before pruning: manifests, lockfile, production node_modules. */
export async function installProductionDependencies(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) await cp(`${repoRoot}${file}`, join(dir, file));
  for (const folder of await workspaceFolders()) {
    await cp(`${repoRoot}${folder}/package.json`, join(dir, folder, 'package.json'));
  }
  await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/**
 * /app of the image for `workspace`: `deps` (installed, left untouched) is copied to a build
 * folder and pruned there; `dest` receives its node_modules and the copied sources, like the
 * final stage's two COPY --from lines.
 */
export async function assembleImageTree(deps: string, workspace: string, dest: string): Promise<void> {
  const build = `${dest}.build`;
  // Hard links: a fast copy of the installed tree that pruning can't harm.
  await run('cp', ['-al', deps, build]);
  await mkdir(join(build, 'tools/src'), { recursive: true });
  await cp(`${repoRoot}tools/src/image-build`, join(build, 'tools/src/image-build'), { recursive: true });
  const stage = (...args: string[]) =>
    run(process.execPath, ['tools/src/image-build/stage.ts', ...args], { cwd: build });
  await stage('prune', workspace);
  await stage('copy-sources', workspace, repoRoot, dest);
  await rename(join(build, 'node_modules'), join(dest, 'node_modules'));
  await rm(build, { recursive: true, force: true });
}
