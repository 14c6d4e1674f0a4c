// The registry reachable here serves only this platform's builds of native packages (biome,
// typescript, esbuild …), so `npm install` leaves other platforms' optional dependencies out of
// package-lock.json, and `npm ci` then refuses the lockfile as out of sync. This adds a
// placeholder entry (version only) for each missing optional dependency: npm ci accepts the
// lockfile and skips them, as it skips any optional package for another platform.
// Runs as the root `postinstall`, so every `npm install` leaves a complete lockfile. It also
// records which lockfile node_modules was installed from (tools/install/ensure-deps.mjs reads that).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [location, meta] of Object.entries(packages)) {
  // Bundled packages' own dependencies live inside their tarball, not in the lockfile.
  if (meta.inBundle) continue;
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    // Platform builds are pinned to exact versions by their parent; a range is some other optional.
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) continue;
    const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] || packages[hoisted]) continue;
    packages[hoisted] = { version, ...(meta.dev ? { dev: true } : {}), optional: true };
    added++;
  }
}
if (added > 0) {
  const sorted = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
  );
  writeFileSync(path, `${JSON.stringify({ ...lock, packages: sorted }, null, 2)}\n`);
}

writeFileSync(
  new URL('../../node_modules/.agora-lock-hash', import.meta.url),
  createHash('sha256').update(readFileSync(path)).digest('hex'),
);
