/**
 * The two build steps of Dockerfile.base that depend on which service is built (run from /app):
 *   node tools/src/image-build/stage.ts prune <workspace>               node_modules down to its closure
 *   node tools/src/image-build/stage.ts copy-sources <workspace> <from> <to>   its workspaces' manifests, src/ and dist/
 * No imports but node:* and image-closure.ts: it runs before anything else exists in the image.
 */
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Lockfile, locationsToPrune, workspaceClosure } from './closure.ts';

const [command, workspace, from, to] = process.argv.slice(2);
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as Lockfile;

function usage(): never {
  process.stderr.write('usage: image-stage.ts prune <workspace> | copy-sources <workspace> <from> <to>\n');
  process.exit(2);
}

if (!workspace) usage();
const closure = workspaceClosure(lock, workspace);

if (command === 'prune') {
  for (const location of locationsToPrune(lock, closure)) rmSync(location, { recursive: true, force: true });
  // Executables of dev tools and npm's own bookkeeping: nothing the service runs.
  rmSync('node_modules/.bin', { recursive: true, force: true });
  rmSync('node_modules/.package-lock.json', { force: true });
  process.stdout.write(`kept ${closure.packages.length} packages for ${workspace}\n`);
} else if (command === 'copy-sources' && from && to) {
  for (const folder of closure.workspaces) {
    cpSync(join(from, folder, 'package.json'), join(to, folder, 'package.json'));
    for (const part of ['src', 'dist']) {
      const source = join(from, folder, part);
      if (existsSync(source)) cpSync(source, join(to, folder, part), { recursive: true });
    }
  }
  process.stdout.write(`copied ${closure.workspaces.join(', ')}\n`);
} else {
  usage();
}
