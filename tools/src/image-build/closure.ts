/**
 * What one service's image needs from the installed tree: the production dependency closure of
 * its workspace, read from package-lock.json the way Node resolves packages. Dockerfile.base
 * prunes node_modules to exactly this (npm ci installs every workspace's dependencies), and the
 * image-size report measures the same set. No imports: it runs in the image's build stage.
 */

export interface LockPackage {
  readonly link?: boolean;
  readonly resolved?: string;
  readonly dev?: boolean;
  readonly optional?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface Lockfile {
  readonly packages: Record<string, LockPackage>;
}

export interface WorkspaceClosure {
  /** workspace folders (relative to the repository root) the service's code imports */
  readonly workspaces: string[];
  /** lockfile locations (`node_modules/...`) of every installed package it needs, links included */
  readonly packages: string[];
}

/** Where Node finds `name` when it is imported from `location`: nearest node_modules upwards. */
export function resolveFrom(lock: Lockfile, location: string, name: string): string | undefined {
  let base = location;
  while (true) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut >= 0 ? base.slice(0, cut) : '';
  }
}

export function productionDependencies(entry: LockPackage): string[] {
  const optionalPeers = entry.peerDependenciesMeta ?? {};
  return [
    ...Object.keys(entry.dependencies ?? {}),
    ...Object.keys(entry.optionalDependencies ?? {}),
    ...Object.keys(entry.peerDependencies ?? {}).filter((name) => !optionalPeers[name]?.optional),
  ];
}

export function workspaceClosure(lock: Lockfile, workspace: string): WorkspaceClosure {
  if (!lock.packages[workspace]) throw new Error(`package-lock.json has no workspace "${workspace}"`);
  const workspaces = new Set<string>();
  const packages = new Set<string>();
  const pending = [workspace];
  workspaces.add(workspace);
  while (pending.length > 0) {
    const location = pending.pop() as string;
    const entry = lock.packages[location] as LockPackage;
    for (const name of productionDependencies(entry)) {
      const found = resolveFrom(lock, location, name);
      // An optional dependency for another platform is absent from the tree: nothing to keep.
      if (!found) {
        if (entry.optionalDependencies?.[name] || entry.peerDependencies?.[name]) continue;
        throw new Error(`${location} depends on ${name}, which package-lock.json does not hold`);
      }
      if (packages.has(found)) continue;
      packages.add(found);
      const target = lock.packages[found] as LockPackage;
      if (target.link && target.resolved) {
        if (!workspaces.has(target.resolved)) {
          workspaces.add(target.resolved);
          pending.push(target.resolved);
        }
      } else {
        pending.push(found);
      }
    }
  }
  return { workspaces: [...workspaces].sort(), packages: [...packages].sort() };
}

/** Installed locations the closure does not need (outermost only: removing one removes what it holds). */
export function locationsToPrune(lock: Lockfile, closure: WorkspaceClosure): string[] {
  const keep = new Set(closure.packages);
  const prune: string[] = [];
  for (const location of Object.keys(lock.packages).sort()) {
    if (!location.startsWith('node_modules/') || keep.has(location)) continue;
    if (prune.some((outer) => location.startsWith(`${outer}/`))) continue;
    prune.push(location);
  }
  return prune;
}
