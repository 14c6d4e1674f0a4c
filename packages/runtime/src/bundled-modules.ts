/**
 * Imports of `typebox` and its subpaths (`typebox/compile`, …), from any module, Agora's or a
 * dependency's, load the bundle of the same package in ./vendor/typebox instead of its ~700
 * separate files: the same code in a few modules, which saves a service ~18 MB of RSS and ~0.2 s
 * of its start (tools/src/install/typebox-bundle.ts says how it is made and measured).
 *
 * Registered by the instrument module, which every process is started with, before the app's
 * modules are resolved, so every importer sees one copy of TypeBox. The bundle records the version
 * it was made from: if the installed typebox is another (upgraded without `npm run vendor:typebox`),
 * nothing is redirected and the package loads as it is (tools/test/typebox-bundle.test.ts fails
 * meanwhile).
 */
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

interface BundleManifest {
  readonly version: string;
  readonly entries: Record<string, string>;
}

const bundleDir = new URL('./vendor/typebox/', import.meta.url);

function installedVersion(): string {
  const entry = fileURLToPath(import.meta.resolve('typebox'));
  const root = entry.slice(0, entry.lastIndexOf('/node_modules/typebox/') + '/node_modules/typebox'.length);
  return (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string }).version;
}

/** The bundle's file URL for each specifier it serves; empty when it does not match the installed typebox. */
export function bundledTypebox(): ReadonlyMap<string, string> {
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', bundleDir), 'utf8')) as BundleManifest;
  if (manifest.version !== installedVersion()) return new Map();
  return new Map(
    Object.entries(manifest.entries).map(([specifier, file]) => [specifier, new URL(file, bundleDir).href]),
  );
}

export function redirectToBundles(): void {
  const redirects = bundledTypebox();
  if (redirects.size === 0) return;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = specifier.startsWith('typebox') ? redirects.get(specifier) : undefined;
      return url ? { url, format: 'module', shortCircuit: true } : nextResolve(specifier, context);
    },
  });
}

redirectToBundles();
