/**
 * Builds the page with Vite when its sources changed since the last build, and only then: the
 * build output carries a hash of every source file, so `npm run up` and `npm test` pay one hash
 * of a few small files when nothing changed. The new build is written beside the old one and
 * swapped in by a rename, so a process serving the old one never sees a half-written folder.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { glob, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const dashboardRoot = fileURLToPath(new URL('..', import.meta.url));
export const distDir = join(dashboardRoot, 'dist');
const hashFile = '.source-hash';
// Builds are staged out of sight of git and Biome (node_modules is ignored by both), on the same disk.
const stagingRoot = join(dashboardRoot, '..', '..', 'node_modules', '.cache', 'agora-dashboard');
const sourcePatterns = ['index.html', 'web/**/*', 'package.json', 'src/build.ts'];

export async function sourceHash(): Promise<string> {
  const files: string[] = [];
  for (const pattern of sourcePatterns) {
    for await (const file of glob(pattern, { cwd: dashboardRoot })) files.push(file);
  }
  const hash = createHash('sha256');
  for (const file of files.sort()) {
    hash.update(file).update('\0');
    try {
      hash.update(await readFile(join(dashboardRoot, file)));
    } catch {
      // a folder matched by the pattern
    }
  }
  return hash.digest('hex');
}

async function builtHash(): Promise<string | undefined> {
  try {
    return await readFile(join(distDir, hashFile), 'utf8');
  } catch {
    return undefined;
  }
}

export interface BuildResult {
  readonly built: boolean;
  readonly distDir: string;
}

/** Builds into dist/ unless dist/ already holds a build of the current sources. */
export async function ensureDashboardBuilt(options: { force?: boolean; log?: (line: string) => void } = {}) {
  const wanted = await sourceHash();
  if (!options.force && existsSync(join(distDir, 'index.html')) && (await builtHash()) === wanted) {
    return { built: false, distDir } satisfies BuildResult;
  }
  options.log?.('dashboard: building the page (vite) …');
  const { build } = await import('vite');
  await mkdir(stagingRoot, { recursive: true });
  const staging = join(stagingRoot, `build-${process.pid}-${Date.now()}`);
  await build({
    configFile: false,
    root: dashboardRoot,
    logLevel: 'warn',
    build: {
      outDir: staging,
      emptyOutDir: true,
      target: 'es2022',
      // Everything inline-free so the page runs under a strict CSP (no inline scripts or styles).
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      reportCompressedSize: false,
    },
  });
  await writeFile(join(staging, hashFile), wanted);
  const old = join(stagingRoot, `old-${process.pid}-${Date.now()}`);
  try {
    if (existsSync(distDir)) await rename(distDir, old);
    await rename(staging, distDir);
  } catch (error) {
    // Another process swapped in its build at the same moment: fine if it built these sources.
    await rm(staging, { recursive: true, force: true });
    if ((await builtHash()) !== wanted) throw error;
  }
  await rm(old, { recursive: true, force: true });
  return { built: true, distDir } satisfies BuildResult;
}

if (import.meta.main) {
  const result = await ensureDashboardBuilt({ force: process.argv.includes('--force'), log: console.log });
  console.log(result.built ? `dashboard built in ${result.distDir}` : 'dashboard is up to date');
}
