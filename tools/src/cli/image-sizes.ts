/**
 * Expected image size per service: lays out /app as Dockerfile.base does (image-tree.ts) and adds
 * up what the final stage copies, on top of the base image's assumed size.
 *   node tools/src/cli/image-sizes.ts
 */
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCompose } from '../testing/compose-file.ts';
import { assembleImageTree, installProductionDependencies } from '../testing/image-tree.ts';

/**
 * node:24.x-trixie-slim, uncompressed: Debian trixie-slim (~78 MB) + Node's release tarball
 * (the node binary alone is 126.6 MB for 24.21.0 linux-x64; headers, npm, corepack ~25 MB) +
 * yarn (~5 MB), + ~1 MB for tini. Deleting npm/yarn in a later layer does not shrink the image.
 */
const assumedBaseMegabytes = 235;

async function apparentSize(path: string): Promise<number> {
  const stats = await lstat(path);
  if (!stats.isDirectory()) return stats.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await apparentSize(join(path, entry));
  return total;
}

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);
const compose = await readCompose();
const work = await mkdtemp(join(tmpdir(), 'agora-sizes-'));
try {
  await installProductionDependencies(join(work, 'deps'));
  process.stdout.write(`base image (assumed): ${assumedBaseMegabytes} MB\n`);
  process.stdout.write('container          node_modules  sources   app total  expected image\n');
  for (const [name, spec] of Object.entries(compose.services)) {
    const workspace = spec.build?.args?.WORKSPACE;
    if (!workspace) continue;
    const app = join(work, name);
    await assembleImageTree(join(work, 'deps'), workspace, app);
    const modules = await apparentSize(join(app, 'node_modules'));
    const total = await apparentSize(app);
    process.stdout.write(
      `${name.padEnd(18)} ${`${megabytes(modules)} MB`.padStart(12)} ${`${megabytes(total - modules)} MB`.padStart(8)} ${`${megabytes(total)} MB`.padStart(10)} ${`${(assumedBaseMegabytes + total / 1e6).toFixed(0)} MB`.padStart(14)}\n`,
    );
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
