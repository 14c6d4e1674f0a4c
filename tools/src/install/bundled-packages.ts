/**
 * Bundled packages: dependencies that ship as hundreds of separate ES modules, loaded by every
 * process as a few modules of the same code instead (packages/runtime/src/bundled-modules.ts
 * redirects their specifiers, from any importer, to the files written here).
 *
 * Why: each ES module costs Node a module record, its source and its compiled code. TypeBox 1.x is
 * ~700 modules, of which a service's start loaded ~680 (21.9 MB of RSS and ~0.2 s of a start,
 * against 3.3 MB and 15 ms bundled); the OpenTelemetry SDK and instrumentations, which tracing
 * loads before the app, were 286 modules and 955 KB of source (the whole semantic-conventions
 * index, and sdk-metrics, which otlp-transformer imports and tracing never uses). The code is the
 * packages' own, unchanged; only the file boundaries go, and what no entry point reaches (the
 * bundler drops it; the packages it drops declare themselves free of side effects). With tracing on
 * as on ECS, a service then loads 18 OpenTelemetry modules (422 KB), and starts with ~5-7 MB less
 * RSS and ~0.1 s less CPU (`npm run bench:startup`, main against this in one session).
 *
 * Each bundle is one rolldown build of a set of packages (its scope) into
 * packages/runtime/src/vendor/<bundle>/, one entry file per specifier it serves; code two entries
 * share goes to shared chunks, so a package inside the bundle exists once (the app's
 * `@opentelemetry/api` and the SDK's are one module). Imports of packages outside the scope stay
 * imports, resolved from the bundle's folder: the generator refuses one that would find another
 * copy there than from its importer. packages/runtime/src/vendor/manifest.json records, per
 * bundle, the version of every package the build read (the redirect applies only while the
 * installed ones are the same) and which file serves each specifier.
 *
 * `npm run vendor:bundles` writes them all (after upgrading any of these packages, or importing a
 * new `@opentelemetry/…` specifier); tools/test/bundled-packages.test.ts fails while the committed
 * files are not exactly what this writes from the installed packages and Agora's sources.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, relative } from 'node:path';
import type { BundleManifest, BundleRecord } from '@agora/runtime/bundle-redirects';
import { rolldown } from 'rolldown';
import { parseAst } from 'rolldown/parseAst';
import { repoRoot } from '../paths.ts';

export const vendorDir = join(repoRoot, 'packages/runtime/src/vendor');
/** Where the bundled specifiers resolve from: the runtime, whose instrument module every process loads first. */
const runtimeDir = join(repoRoot, 'packages/runtime');

interface BundleDefinition {
  /** the bundle's folder under vendor/ */
  readonly name: string;
  /** whether a package (by name) is built into the bundle; any other stays an import */
  readonly inScope: (packageName: string) => boolean;
  /** the specifiers the bundle serves, each an entry point */
  readonly specifiers: () => string[];
  /** the entry file's name (without .mjs) for a specifier */
  readonly entryName: (specifier: string) => string;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** The folder Node finds package `name` in when it is imported from a file in `fromDir` (nearest node_modules upwards). */
function packageDirFrom(fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    try {
      readFileSync(join(candidate, 'package.json'));
      return candidate;
    } catch {
      if (dirname(dir) === dir) return undefined;
    }
  }
}

function packageJson(dir: string): { name: string; version: string; exports?: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/** The installed package a module file belongs to (innermost node_modules), or undefined for a file of Agora's. */
function packageDirOf(file: string): string | undefined {
  const match = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file);
  return match?.[1];
}

/** Every `.ts` file under the `src` folders of Agora's workspaces (packages/*, services/*): what runs. */
function agoraSources(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && path !== vendorDir) walk(path);
      } else if (entry.name.endsWith('.ts')) {
        files.push(path);
      }
    }
  };
  for (const group of ['packages', 'services']) {
    for (const workspace of readdirSync(join(repoRoot, group), { withFileTypes: true })) {
      const src = join(repoRoot, group, workspace.name, 'src');
      if (workspace.isDirectory() && readdirSync(join(repoRoot, group, workspace.name)).includes('src')) walk(src);
    }
  }
  return files.sort();
}

/** The specifiers a module imports at run time: static imports and re-exports (not type-only ones) and import() of a string. */
export function runtimeImports(source: string, filename: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown> & { type?: string; source?: { type?: string; value?: unknown } };
    const typeOnly = record.importKind === 'type' || record.exportKind === 'type';
    if (
      (record.type === 'ImportDeclaration' ||
        record.type === 'ExportNamedDeclaration' ||
        record.type === 'ExportAllDeclaration' ||
        record.type === 'ImportExpression') &&
      !typeOnly &&
      record.source?.type === 'Literal' &&
      typeof record.source.value === 'string'
    ) {
      found.push(record.source.value);
    }
    for (const [key, value] of Object.entries(record)) if (key !== 'source') visit(value);
  };
  visit(parseAst(source, { lang: 'ts', sourceType: 'module' }, filename));
  return found;
}

/** The specifiers of a scope that Agora's own code imports at run time, sorted. */
function importedByAgora(scope: (specifier: string) => boolean): string[] {
  const specifiers = new Set<string>();
  for (const file of agoraSources()) {
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'), file))
      if (scope(specifier)) specifiers.add(specifier);
  }
  return [...specifiers].sort();
}

const openTelemetry = (specifier: string) => specifier.startsWith('@opentelemetry/');

export const bundles: readonly BundleDefinition[] = [
  {
    // Every entry point of the package: dependencies (@fastify/type-provider-typebox) import it too.
    name: 'typebox',
    inScope: (name) => name === 'typebox',
    specifiers: () => {
      const dir = packageDirFrom(runtimeDir, 'typebox');
      if (!dir) throw new Error('typebox is not installed');
      return Object.keys(packageJson(dir).exports ?? { '.': {} }).map((subpath) =>
        subpath === '.' ? 'typebox' : `typebox/${subpath.slice(2)}`,
      );
    },
    entryName: (specifier) => (specifier === 'typebox' ? 'index' : specifier.slice('typebox/'.length)),
  },
  {
    // Only what Agora imports (tracing.ts's SDK and instrumentations, trace-context's api): the
    // packages in between (otlp-transformer, semantic-conventions, …) are reached from those.
    name: 'opentelemetry',
    inScope: openTelemetry,
    specifiers: () => importedByAgora(openTelemetry),
    entryName: (specifier) => specifier.slice('@opentelemetry/'.length).replaceAll('/', '-'),
  },
];

/** `require("x")` calls the bundler leaves as they are (a package's own createRequire): they resolve at run time. */
const requireCall = /\b(?:__)?require\(\s*["']([^"'./][^"']*)["']\s*\)/g;

/** Writes one bundle into `outDir/<bundle name>` (emptied first); what the manifest records of it. */
async function writeBundle(definition: BundleDefinition, outDir: string): Promise<BundleRecord> {
  const committedDir = join(vendorDir, definition.name);
  const specifiers = definition.specifiers();
  const input = Object.fromEntries(specifiers.map((specifier) => [definition.entryName(specifier), specifier]));
  const readPackages = new Set<string>();
  /** an import left out of the bundle must find, from the bundle's folder, the copy its importer finds */
  const sameCopy = (name: string, importer: string) => {
    const expected = packageDirFrom(dirname(importer), name);
    const found = packageDirFrom(committedDir, name);
    if (expected !== found) {
      throw new Error(
        `${relative(repoRoot, importer)} imports ${name} (${expected ?? 'not found'}), which the bundle's folder would resolve to ${found ?? 'nothing'}`,
      );
    }
  };
  const bundle = await rolldown({
    input,
    cwd: repoRoot,
    platform: 'node',
    logLevel: 'warn',
    external: (id, importer) => {
      if (isBuiltin(id)) return true;
      if (/^[./#\0]/.test(id) || definition.inScope(packageName(id))) return false;
      if (importer) sameCopy(packageName(id), importer);
      return true;
    },
    plugins: [
      {
        name: 'bundled-packages-record',
        // each entry's specifier resolves as the runtime's own import of it does
        resolveId(source, _importer, options) {
          return options.isEntry ? this.resolve(source, join(runtimeDir, 'package.json'), { skipSelf: true }) : null;
        },
        transform(code, id) {
          const dir = packageDirOf(id);
          if (dir) readPackages.add(dir);
          for (const [, specifier] of code.matchAll(requireCall)) {
            if (specifier && !isBuiltin(specifier)) sameCopy(packageName(specifier), id);
          }
          return null;
        },
      },
    ],
  });
  const bundleDir = join(outDir, definition.name);
  await rm(bundleDir, { recursive: true, force: true });
  await mkdir(bundleDir, { recursive: true });
  await bundle.write({
    dir: bundleDir,
    format: 'esm',
    entryFileNames: '[name].mjs',
    chunkFileNames: 'shared-[hash].mjs',
    banner: `// Bundled by tools/src/install/bundled-packages.ts from the packages ../manifest.json lists under "${definition.name}": do not edit.`,
  });
  await bundle.close();
  const packages = Object.fromEntries(
    [...readPackages]
      .map((dir) => [relative(repoRoot, dir), packageJson(dir).version] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const entries = Object.fromEntries(
    specifiers.map((specifier) => [specifier, `${definition.name}/${definition.entryName(specifier)}.mjs`]),
  );
  return { packages, entries };
}

/** Writes every bundle and the manifest into `outDir` (the vendor folder unless told otherwise). */
export async function writeBundles(outDir: string = vendorDir): Promise<BundleManifest> {
  const manifest: Record<string, BundleRecord> = {};
  for (const definition of bundles) manifest[definition.name] = await writeBundle(definition, outDir);
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (import.meta.main) {
  const written = await writeBundles();
  for (const [name, record] of Object.entries(written)) {
    process.stdout.write(
      `${name}: ${Object.keys(record.entries).length} entry points from ${Object.keys(record.packages).length} packages, in ${join(vendorDir, name)}\n`,
    );
  }
}
