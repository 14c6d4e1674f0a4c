// Installs the npm dependencies (npm ci) when node_modules is missing or older than
// package-lock.json; a fast no-op otherwise. Plain JavaScript on purpose: it runs on whatever
// Node the machine has, before the project's own Node 24 (the `node` devDependency) exists.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const lock = readFileSync(new URL('package-lock.json', root));
const wanted = createHash('sha256').update(lock).digest('hex');
const marker = new URL('node_modules/.agora-lock-hash', root);
const node24 = new URL('node_modules/.bin/node', root);

if (existsSync(marker) && existsSync(node24) && readFileSync(marker, 'utf8') === wanted) process.exit(0);

console.log('agora: installing npm dependencies (npm ci) …');
// npm ci's postinstall (tools/install/complete-lockfile.mjs) writes the marker.
execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
