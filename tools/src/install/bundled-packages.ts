/**
 * Bundled packages: dependencies that ship as hundreds of separate modules, loaded by every
 * process as a few modules of the same code instead (packages/runtime/src/bundled-modules.ts
 * redirects their specifiers, from any importer, to the files written here).
 *
 * Why: each module costs Node a module record, its source and its compiled code. TypeBox 1.x is
 * ~700 modules, of which a service's start loaded ~680 (21.9 MB of RSS and ~0.2 s of a start,
 * against 3.3 MB and 15 ms bundled); the OpenTelemetry SDK and instrumentations, which tracing
 * loads before the app, were 286 modules and 955 KB of source (the whole semantic-conventions
 * index, and sdk-metrics, which otlp-transformer imports and tracing never uses); Fastify, its
 * plugins, pino and what they require (ajv, fast-json-stringify, find-my-way, fast-jwt, yaml, …)
 * were ~420 CommonJS modules, 2.2 MB of source. The code is the packages' own, unchanged; only
 * the file boundaries go, with the whitespace and comments (a process keeps every module's source),
 * and what no entry point reaches (the bundler drops it; the packages it drops declare themselves
 * free of side effects). A service now loads ~185 modules at start instead of ~600, and is ready
 * with ~12 MB less RSS (`npm run bench:startup`, users 110 → 96-98 MB): the sources and code it keeps,
 * and the young generation, which V8 grows as start-up objects survive, stays at half the size.
 *
 * Each bundle is one rolldown build of a set of packages (its scope) into
 * packages/runtime/src/vendor/<bundle>/, one entry file per specifier it serves; code two entries
 * share goes to shared chunks, so a package inside the bundle exists once (the app's
 * `@opentelemetry/api` and the SDK's are one module). A CommonJS package's entry offers what Node's
 * own import of it does (`default`, `module.exports` and the names Node finds), so a require() of
 * it from outside gets its exports object; a module's `__dirname` and `__filename` stay its own
 * file's in node_modules. Imports of packages outside the scope stay imports, resolved from the
 * bundle's folder: the generator refuses one that would find another copy there than from its
 * importer, and a bundle that would still require one of its own packages. The AWS SDK is never
 * bundled: the aws-sdk instrumentation patches its packages as they are required by name.
 * packages/runtime/src/vendor/manifest.json records, per bundle, the version of every package the
 * build read (the redirect applies only while the installed ones are the same) and which file
 * serves each specifier.
 *
 * A bundle is redirected in an image only if all its packages are there: the images keep their
 * workspace's production closure, so each bundle names the images that load it (by the workspace
 * the catalogue's imageBuildArgs builds them from) and holds only packages every one of them keeps.
 * Every service depends on the runtime, so the typebox, OpenTelemetry and fastify bundles are
 * every image's, and the fastify bundle holds what the runtime's dependencies reach; the inventory
 * bundle holds what only the inventory images add (@fastify/multipart and its busboy, 16 modules
 * at the API's start, ~1 MB of RSS at ready; csv-parse, the worker's). A bundle also serves each of
 * its packages that a package outside it requires (another bundle's, as the inventory bundle's
 * @fastify/multipart requires secure-json-parse, or one no bundle holds, as the gateway's plugins
 * require fastify-plugin), so no process loads a second copy beside it.
 *
 * `npm run vendor:bundles` writes them all (after upgrading any of these packages, or importing a
 * new `@opentelemetry/…` specifier or a new dependency of the runtime); tools/test/bundled-packages.test.ts
 * fails while the committed files are not exactly what this writes from the installed packages and
 * Agora's sources.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { imageBuildArgs, services } from '@agora/catalogue';
import type { BundleManifest, BundleRecord } from '@agora/runtime/bundle-redirects';
import { rolldown } from 'rolldown';
import { parseAst } from 'rolldown/parseAst';
import {
  type Lockfile,
  type LockPackage,
  productionDependencies,
  resolveFrom,
  workspaceClosure,
} from '../image-build/closure.ts';
import { repoRoot } from '../paths.ts';

const run = promisify(execFile);

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
  /**
   * the workspaces of the images that load the bundle (the catalogue's imageBuildArgs): it holds
   * only packages each of them keeps (its production closure), so its redirect holds in each
   */
  readonly imageWorkspaces: () => string[];
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

/** Calls `visit` with every node of a parsed module, parents first. */
function eachNode(node: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) eachNode(child, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  visit(node as Record<string, unknown>);
  for (const value of Object.values(node)) eachNode(value, visit);
}

/** The specifiers a module imports at run time: static imports and re-exports (not type-only ones) and import() of a string. */
export function runtimeImports(source: string, filename: string): string[] {
  const found: string[] = [];
  eachNode(parseAst(source, { lang: 'ts', sourceType: 'module' }, filename), (node) => {
    const record = node as {
      type?: string;
      importKind?: string;
      exportKind?: string;
      source?: { type?: string; value?: unknown };
    };
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
  });
  return found;
}

/** The specifiers a module passes, as a string, to a `require` or `__require` call. */
function requiredIn(source: string, filename: string): string[] {
  const found: string[] = [];
  eachNode(parseAst(source, { sourceType: 'module' }, filename), (node) => {
    const record = node as { type?: string; callee?: { type?: string; name?: string }; arguments?: unknown[] };
    const [argument] = (record.arguments ?? []) as { type?: string; value?: unknown }[];
    if (
      record.type === 'CallExpression' &&
      record.callee?.type === 'Identifier' &&
      /^(__)?require$/.test(record.callee.name ?? '') &&
      argument?.type === 'Literal' &&
      typeof argument.value === 'string'
    ) {
      found.push(argument.value);
    }
  });
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

/** Packages no bundle may hold: the AWS SDK's, which the aws-sdk instrumentation patches as they are require()d by name. */
const awsSdk = (name: string) => /^@(aws-sdk|smithy|aws)\//.test(name);

/** The runtime's own dependencies (every image has them: each service depends on the runtime). */
function runtimeDependencies(): string[] {
  return Object.keys(
    (JSON.parse(readFileSync(join(runtimeDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> })
      .dependencies ?? {},
  );
}

/** What the fastify bundle holds: everything but the packages the other bundles hold and the AWS SDK's. */
const httpStack = (name: string) =>
  !awsSdk(name) && !openTelemetry(name) && name !== 'typebox' && !name.startsWith('@agora/');

/** The workspaces (imageBuildArgs' WORKSPACE) of the images of the catalogue's services that `chosen` picks, sorted. */
function imageWorkspacesOf(chosen: (service: (typeof services)[number]) => boolean): string[] {
  return [...new Set(services.filter(chosen).map((service) => imageBuildArgs(service).WORKSPACE))].sort();
}

/** The workspace of every image the catalogue builds. */
const everyImageWorkspace = () => imageWorkspacesOf(() => true);

/** The workspaces of the images built from services/inventory (the API's and the worker's). */
const inventoryImageWorkspaces = () => imageWorkspacesOf((service) => service.workspace === 'inventory');

function lockfile(): Lockfile {
  return JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as Lockfile;
}

/** The installed packages (lockfile locations) every one of `workspaces`' images keeps: the intersection of their production closures. */
function keptByEvery(workspaces: readonly string[]): Set<string> {
  const key = workspaces.join(' ');
  const known = keptSets.get(key);
  if (known) return known;
  const lock = lockfile();
  const [first, ...rest] = workspaces.map((workspace) => new Set(workspaceClosure(lock, workspace).packages));
  if (!first) throw new Error('a bundle is loaded by no image');
  const kept = new Set([...first].filter((location) => rest.every((other) => other.has(location))));
  keptSets.set(key, kept);
  return kept;
}
const keptSets = new Map<string, Set<string>>();

/**
 * The inventory images' own packages (the API's @fastify/multipart and the busboy it parses with,
 * the worker's csv-parse): of the inventory workspace's closure, what not every image keeps (the
 * runtime's bundles hold that) and not the AWS SDK's.
 */
const inventoryOwn = (name: string) =>
  !awsSdk(name) &&
  !keptByEvery(everyImageWorkspace()).has(`node_modules/${name}`) &&
  keptByEvery(inventoryImageWorkspaces()).has(`node_modules/${name}`);

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
    imageWorkspaces: everyImageWorkspace,
  },
  {
    // Only what Agora imports (tracing.ts's SDK and instrumentations, trace-context's api): the
    // packages in between (otlp-transformer, semantic-conventions, …) are reached from those.
    name: 'opentelemetry',
    inScope: openTelemetry,
    specifiers: () => importedByAgora(openTelemetry),
    entryName: (specifier) => specifier.slice('@opentelemetry/'.length).replaceAll('/', '-'),
    imageWorkspaces: everyImageWorkspace,
  },
  {
    // Fastify, its plugins, pino and the rest of what the runtime's dependencies load (ajv,
    // fast-json-stringify, find-my-way, fast-jwt, yaml, …, and require-in-the-middle, which the
    // OpenTelemetry bundle imports): every one of the runtime's dependencies outside the other
    // bundles and the AWS SDK, and each subpath of them Agora imports.
    name: 'fastify',
    inScope: httpStack,
    specifiers: () => {
      const own = runtimeDependencies().filter(httpStack);
      return [...new Set([...own, ...importedByAgora((specifier) => own.includes(packageName(specifier)))])].sort();
    },
    entryName: (specifier) => specifier.replace(/^@/, '').replaceAll('/', '-'),
    imageWorkspaces: everyImageWorkspace,
  },
  {
    // What only the inventory images load (@fastify/multipart: 16 CommonJS modules at the API's
    // start, with @fastify/busboy; csv-parse, the worker's): every import Agora's code makes of them.
    // Loaded by the inventory images only, it holds only what each of them keeps.
    name: 'inventory',
    inScope: inventoryOwn,
    specifiers: () => importedByAgora((specifier) => inventoryOwn(packageName(specifier))),
    entryName: (specifier) => specifier.replace(/^@/, '').replaceAll('/', '-'),
    imageWorkspaces: inventoryImageWorkspaces,
  },
];

interface EntryModule {
  /** the file Node's import of the specifier loads (from the runtime's folder) */
  readonly file: string;
  /** a CommonJS module's export names as Node's import sees them (besides `default` and `module.exports`); undefined for an ES module */
  readonly commonJsNames?: readonly string[];
}

/**
 * What Node's own import of each specifier gives, asked of a Node process in the runtime's folder:
 * the file, and for a CommonJS module the names of its namespace (Node finds them by reading the
 * module's source; the bundle's entry must offer the same ones).
 */
async function entryModules(specifiers: readonly string[]): Promise<Map<string, EntryModule>> {
  const script = `
    const answer = {};
    for (const specifier of ${JSON.stringify(specifiers)}) {
      const url = import.meta.resolve(specifier);
      const names = Object.keys(await import(specifier));
      answer[specifier] = { url, names };
    }
    process.stdout.write(JSON.stringify(answer));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: runtimeDir,
    env: { PATH: process.env.PATH ?? '' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const answer = JSON.parse(stdout) as Record<string, { url: string; names: string[] }>;
  return new Map(
    Object.entries(answer).map(([specifier, { url, names }]) => [
      specifier,
      {
        file: fileURLToPath(url),
        // Node names a CommonJS module's exports object `module.exports` in its namespace (and an ES module does not)
        ...(names.includes('module.exports')
          ? { commonJsNames: names.filter((name) => name !== 'default' && name !== 'module.exports') }
          : {}),
      },
    ]),
  );
}

const commonJsEntryPrefix = '\0agora-commonjs-entry:';

/**
 * The entry module for a CommonJS package: its namespace as Node's import makes it (\`default\` and
 * \`module.exports\` the exports object, each named export its property when the module has run),
 * so an ES importer sees the same values, and a require() of the specifier (which the redirect
 * serves from this ES module too) gets the exports object itself.
 */
function commonJsEntry(entry: EntryModule & { commonJsNames: readonly string[] }): string {
  const lines = [`const exported = require(${JSON.stringify(entry.file)});`];
  lines.push('export { exported as default, exported as "module.exports" };');
  entry.commonJsNames.forEach((name, index) => {
    lines.push(`const name${index} = exported[${JSON.stringify(name)}];`);
    lines.push(`export { name${index} as ${JSON.stringify(name)} };`);
  });
  return `${lines.join('\n')}\n`;
}

/** `require("x")` calls the bundler leaves as they are (a package's own createRequire): they resolve at run time. */
const requireCall = /\b(?:__)?require\(\s*["']([^"'./][^"']*)["']\s*\)/g;

/** A CommonJS module's own `__dirname` or `__filename` (pino's transports find their worker file by it). */
const commonJsPaths = /\b__(?:dirname|filename)\b/;

/**
 * `code` with `__filename` and `__dirname` defined as the module's own file and folder in
 * node_modules, as Node's CommonJS loader defines them: found from the bundle file at run time
 * (`fromBundle` is the path from the bundle's folder), so they hold wherever the repository is
 * (/app in an image). The definitions are inside the module's own scope (the bundler wraps it).
 */
function withOwnPaths(code: string, fromBundle: string): string {
  return `var __filename = process.getBuiltinModule("node:url").fileURLToPath(new URL(${JSON.stringify(fromBundle)}, import.meta.url)), __dirname = process.getBuiltinModule("node:path").dirname(__filename);\n${code}`;
}

/** Writes one bundle into `outDir/<bundle name>` (emptied first); what the manifest records of it. */
async function writeBundle(
  definition: BundleDefinition,
  outDir: string,
  specifiers: readonly string[],
): Promise<BundleRecord> {
  const committedDir = join(vendorDir, definition.name);
  const modules = await entryModules(specifiers);
  const input = Object.fromEntries(
    specifiers.map((specifier) => [
      definition.entryName(specifier),
      modules.get(specifier)?.commonJsNames ? `${commonJsEntryPrefix}${specifier}` : specifier,
    ]),
  );
  const readPackages = new Set<string>();
  const kept = keptByEvery(definition.imageWorkspaces());
  /**
   * whether the bundle holds package `name` as `importer` finds it: one of its scope that every
   * image keeps (debug's optional supports-color is in none: left as debug's own require, which
   * copes with its absence, it cannot turn the bundle's redirect off in an image)
   */
  const held = (name: string, importer: string | undefined) => {
    if (!definition.inScope(name)) return false;
    const dir = packageDirFrom(importer ? dirname(importer) : runtimeDir, name);
    return dir !== undefined && kept.has(relative(repoRoot, dir));
  };
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
      if (/^[./#\0]/.test(id) || held(packageName(id), importer)) return false;
      if (importer) sameCopy(packageName(id), importer);
      return true;
    },
    plugins: [
      {
        name: 'bundled-packages-record',
        // each entry's specifier resolves as the runtime's own import of it does
        resolveId(source, _importer, options) {
          if (source.startsWith(commonJsEntryPrefix)) return source;
          return options.isEntry ? this.resolve(source, join(runtimeDir, 'package.json'), { skipSelf: true }) : null;
        },
        load(id) {
          if (!id.startsWith(commonJsEntryPrefix)) return null;
          const entry = modules.get(id.slice(commonJsEntryPrefix.length));
          if (!entry?.commonJsNames) throw new Error(`no CommonJS entry for ${id}`);
          return commonJsEntry({ ...entry, commonJsNames: entry.commonJsNames });
        },
        transform(code, id) {
          const dir = packageDirOf(id);
          if (dir) readPackages.add(dir);
          for (const [, specifier] of code.matchAll(requireCall)) {
            // (a require of a package the bundle holds is bundled; the output is checked for any left)
            if (specifier && !isBuiltin(specifier) && !held(packageName(specifier), id)) {
              sameCopy(packageName(specifier), id);
            }
          }
          return dir && commonJsPaths.test(code) ? withOwnPaths(code, relative(committedDir, id)) : null;
        },
      },
    ],
  });
  const bundleDir = join(outDir, definition.name);
  await rm(bundleDir, { recursive: true, force: true });
  await mkdir(bundleDir, { recursive: true });
  const { output } = await bundle.write({
    dir: bundleDir,
    format: 'esm',
    entryFileNames: '[name].mjs',
    chunkFileNames: 'shared-[hash].mjs',
    // What a process keeps of a module is its source, as one string: no whitespace and no comment
    // but the licences, every name and parameter as written (stack traces, Function.name and
    // fn.length, which avvio reads, stay the same), and ASCII only: one non-Latin-1 character
    // (a '─' in avvio's tree printer, TypeBox's Arabic messages) makes V8 store a whole bundle
    // file as two bytes a character.
    comments: { legal: true, annotation: false, jsdoc: false },
    minify: { compress: false, mangle: false, codegen: { removeWhitespace: true, asciiOnly: true } },
    postBanner: `// Bundled by tools/src/install/bundled-packages.ts from the packages ../manifest.json lists under "${definition.name}": do not edit.`,
  });
  await bundle.close();
  for (const chunk of output) {
    for (const specifier of 'code' in chunk ? requiredIn(chunk.code, chunk.fileName) : []) {
      if (!/^[./]/.test(specifier) && !isBuiltin(specifier) && definition.inScope(packageName(specifier))) {
        throw new Error(
          `${chunk.fileName} still requires ${specifier}, a package of the bundle: it would load beside it`,
        );
      }
    }
  }
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

/**
 * The bundled packages (`heldBy`: each installed location a bundle holds, and which) that a package
 * outside their bundle requires by name: one no bundle holds (@fastify/multipart's
 * secure-json-parse before the inventory bundle held it) or one of another bundle's (the inventory
 * bundle's @fastify/multipart requires fastify-plugin and secure-json-parse, which the fastify
 * bundle holds). Each is served by its bundle too, so that require gets the bundle's copy instead
 * of loading the package's own files beside it. The packages that can load are those a workspace
 * depends on, and theirs (an image keeps the same: its workspace's production closure).
 */
function requiredFromOutside(heldBy: ReadonlyMap<string, string>): Set<string> {
  const lock = lockfile();
  const required = new Set<string>();
  const visited = new Set<string>();
  const pending: string[] = [];
  const follow = (from: string, names: readonly string[]) => {
    for (const name of names) {
      const found = resolveFrom(lock, from, name);
      if (!found || lock.packages[found]?.link) continue;
      const bundle = heldBy.get(found);
      // (what a bundled package depends on outside the bundles is left out when no entry reaches it)
      if (!heldBy.has(from) || bundle !== undefined) pending.push(found);
      // (Agora's own imports of a bundled package are the bundles' specifiers already)
      if (
        bundle !== undefined &&
        heldBy.get(from) !== bundle &&
        !/^(packages|services)\//.test(from) &&
        found === `node_modules/${name}`
      ) {
        required.add(found);
      }
    }
  };
  for (const workspace of Object.keys(lock.packages).filter((key) => /^(packages|services)\/[^/]+$/.test(key))) {
    follow(workspace, productionDependencies(lock.packages[workspace] as LockPackage));
  }
  for (let location = pending.pop(); location !== undefined; location = pending.pop()) {
    if (visited.has(location)) continue;
    visited.add(location);
    follow(location, productionDependencies(lock.packages[location] as LockPackage));
  }
  return required;
}

/** Writes every bundle and the manifest into `outDir` (the vendor folder unless told otherwise). */
export async function writeBundles(outDir: string = vendorDir): Promise<BundleManifest> {
  const manifest: Record<string, BundleRecord> = {};
  const specifiers = new Map(bundles.map((definition) => [definition, definition.specifiers()]));
  for (const [definition, served] of specifiers)
    manifest[definition.name] = await writeBundle(definition, outDir, served);
  // once what the bundles hold is known, again each that holds packages others require
  const required = requiredFromOutside(
    new Map(
      Object.entries(manifest).flatMap(([name, record]) =>
        Object.keys(record.packages).map((location) => [location, name] as const),
      ),
    ),
  );
  for (const [definition, served] of specifiers) {
    const held = Object.keys(manifest[definition.name]?.packages ?? {});
    const more = held
      .filter((location) => required.has(location))
      .map((location) => location.slice('node_modules/'.length))
      .filter((name) => !served.includes(name));
    if (more.length > 0) {
      manifest[definition.name] = await writeBundle(definition, outDir, [...served, ...more].sort());
    }
  }
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
