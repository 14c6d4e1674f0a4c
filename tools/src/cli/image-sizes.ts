/**
 * Image size per container of docker-compose.yml. Where a Docker engine answers, measured: each
 * image is built from Dockerfile.base with its compose build arguments (the build cache makes a
 * rebuild quick), its size read with `docker image inspect` and its largest layers with
 * `docker history`; the measuring tags are removed afterwards. Without an engine, an estimate:
 * /app laid out as Dockerfile.base does (image-tree.ts) on top of the base's measured size.
 *   node tools/src/cli/image-sizes.ts
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../paths.ts';
import { readCompose } from '../testing/compose-file.ts';
import { assembleImageTree, installProductionDependencies } from '../testing/image-tree.ts';

const run = promisify(execFile);

/**
 * The runtime base of Dockerfile.base (node:24.21.0-trixie-slim without npm, headers and docs,
 * plus tini), measured with `docker image inspect` on the images this command builds.
 */
const measuredBaseMegabytes = 206;

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

async function engineAnswers(): Promise<boolean> {
  try {
    await run('docker', ['info']);
    return true;
  } catch {
    return false;
  }
}

async function measured(builds: [string, Record<string, string>][]): Promise<void> {
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  const tags: string[] = [];
  try {
    process.stdout.write('measured (docker image inspect; largest layers from docker history)\n');
    for (const [name, args] of builds) {
      const tag = `agora-image-sizes/${name}:measure`;
      tags.push(tag);
      await run(
        'docker',
        [
          'build',
          '--quiet',
          '-f',
          'Dockerfile.base',
          ...Object.entries(args).flatMap(([arg, value]) => ['--build-arg', `${arg}=${value}`]),
          ...(ca && existsSync(ca) ? ['--secret', `id=extra-ca,src=${ca}`] : []),
          '-t',
          tag,
          '.',
        ],
        { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
      );
      const { stdout: size } = await run('docker', ['image', 'inspect', '--format', '{{.Size}}', tag]);
      const { stdout: history } = await run('docker', [
        'history',
        '--human=false',
        '--no-trunc',
        '--format',
        '{{.Size}}\t{{.CreatedBy}}',
        tag,
      ]);
      const layers = history
        .trim()
        .split('\n')
        .map((line) => {
          const [bytes = '0', ...createdBy] = line.split('\t');
          return { bytes: Number(bytes), createdBy: createdBy.join('\t').replace(/\s+/g, ' ').slice(0, 90) };
        })
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 3);
      process.stdout.write(`${name.padEnd(18)} ${megabytes(Number(size)).padStart(10)}\n`);
      for (const layer of layers)
        process.stdout.write(`    ${megabytes(layer.bytes).padStart(9)}  ${layer.createdBy}\n`);
    }
  } finally {
    if (tags.length > 0) await run('docker', ['image', 'rm', ...tags]).catch(() => {});
  }
}

async function apparentSize(path: string): Promise<number> {
  const stats = await lstat(path);
  if (!stats.isDirectory()) return stats.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await apparentSize(join(path, entry));
  return total;
}

async function estimated(builds: [string, Record<string, string>][]): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'agora-sizes-'));
  try {
    await installProductionDependencies(join(work, 'deps'));
    process.stdout.write(`estimated (no Docker engine answers): runtime base ${measuredBaseMegabytes} MB + /app\n`);
    process.stdout.write('container          node_modules  sources   app total  expected image\n');
    for (const [name, args] of builds) {
      const app = join(work, name);
      await assembleImageTree(join(work, 'deps'), args.WORKSPACE ?? '', app);
      const modules = await apparentSize(join(app, 'node_modules'));
      const total = await apparentSize(app);
      process.stdout.write(
        `${name.padEnd(18)} ${megabytes(modules).padStart(12)} ${megabytes(total - modules).padStart(8)} ${megabytes(total).padStart(10)} ${`${(measuredBaseMegabytes + total / 1e6).toFixed(0)} MB`.padStart(14)}\n`,
      );
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const compose = await readCompose();
const builds = Object.entries(compose.services)
  .filter(([, spec]) => spec.build?.args?.WORKSPACE)
  .map(([name, spec]) => [name, { ...spec.build?.args }] as [string, Record<string, string>]);
if (await engineAnswers()) await measured(builds);
else await estimated(builds);
