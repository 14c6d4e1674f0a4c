/**
 * TypeBox, bundled: the installed `typebox` package's entry points (`typebox`, `typebox/compile`,
 * …) as a handful of ES modules in packages/runtime/src/vendor/typebox, which every process loads
 * instead of the package (packages/runtime/src/bundled-modules.ts redirects the imports).
 *
 * Why: typebox 1.x ships as ~700 separate ES modules, and a service's start loads ~680 of them.
 * Each module costs Node a module record, its source and its compiled code: 21.9 MB of RSS and
 * ~0.2 s of a start, against 3.3 MB and 15 ms for the same code bundled (measured with a warm
 * compile cache). The code is TypeBox's own, unchanged; only its file boundaries go.
 *
 * `npm run vendor:typebox` writes it (after upgrading typebox); tools/test/typebox-bundle.test.ts
 * fails while the committed bundle is not exactly what this writes from the installed package.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { rolldown } from 'rolldown';
import { repoRoot } from '../paths.ts';

export const vendoredTypeboxDir = join(repoRoot, 'packages/runtime/src/vendor/typebox');

interface PackageManifest {
  readonly version: string;
  readonly exports: Record<string, { readonly import: string }>;
}

/** What the bundle was made from, and which file serves each of the package's specifiers. */
export interface BundleManifest {
  readonly version: string;
  /** specifier (`typebox`, `typebox/compile`, …) → file name in the bundle's folder */
  readonly entries: Record<string, string>;
}

/** The typebox the runtime resolves (its package.json is not among its exports: found from its entry). */
function installedTypebox(): { root: string; manifest: PackageManifest } {
  const entry = createRequire(join(repoRoot, 'packages/runtime/package.json')).resolve('typebox');
  const root = entry.slice(0, entry.lastIndexOf('/node_modules/typebox/') + '/node_modules/typebox'.length);
  return { root, manifest: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageManifest };
}

/** Writes the bundle of the installed typebox into `outDir` (emptied first). */
export async function writeTypeboxBundle(outDir: string = vendoredTypeboxDir): Promise<BundleManifest> {
  const { root, manifest } = installedTypebox();
  const input: Record<string, string> = {};
  const entries: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    const name = subpath === '.' ? 'index' : subpath.slice(2);
    input[name] = join(root, target.import);
    entries[subpath === '.' ? 'typebox' : `typebox/${name}`] = `${name}.mjs`;
  }
  const bundle = await rolldown({ input, logLevel: 'warn' });
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await bundle.write({
    dir: outDir,
    format: 'esm',
    entryFileNames: '[name].mjs',
    chunkFileNames: 'shared-[hash].mjs',
    banner: `// typebox ${manifest.version}, bundled by tools/src/install/typebox-bundle.ts: do not edit.`,
  });
  await bundle.close();
  const bundleManifest: BundleManifest = { version: manifest.version, entries };
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(bundleManifest, null, 2)}\n`);
  return bundleManifest;
}

/** The version the committed bundle was made from. */
export async function vendoredTypeboxVersion(dir: string = vendoredTypeboxDir): Promise<string> {
  return (JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as BundleManifest).version;
}

if (import.meta.main) {
  const written = await writeTypeboxBundle();
  process.stdout.write(
    `typebox ${written.version} bundled into ${vendoredTypeboxDir} (${Object.keys(written.entries).length} entry points)\n`,
  );
}
