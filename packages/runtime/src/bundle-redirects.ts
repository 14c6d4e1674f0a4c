/**
 * Which file of a bundle (packages/runtime/src/vendor, written by tools/src/install/bundled-packages.ts)
 * serves a specifier, as long as the installed packages are the ones it was made from:
 * bundled-modules.ts registers the resolve hook that asks this.
 */
import { readFileSync } from 'node:fs';

/** One bundle, as tools/src/install/bundled-packages.ts records it. */
export interface BundleRecord {
  /** installed location (`node_modules/…`, from the repository root) → the version the bundle was made from */
  readonly packages: Readonly<Record<string, string>>;
  /** specifier → the file serving it, relative to the vendor folder */
  readonly entries: Readonly<Record<string, string>>;
}

export type BundleManifest = Readonly<Record<string, BundleRecord>>;

const vendorUrl = new URL('./vendor/', import.meta.url);
/** The repository root (the image's /app), where the manifest's package locations start. */
const rootUrl = new URL('../../../', import.meta.url);

export function vendoredManifest(): BundleManifest {
  return JSON.parse(readFileSync(new URL('manifest.json', vendorUrl), 'utf8')) as BundleManifest;
}

function installedVersion(location: string, root: URL): string | undefined {
  try {
    return (JSON.parse(readFileSync(new URL(`${location}/package.json`, root), 'utf8')) as { version?: string })
      .version;
  } catch {
    return undefined;
  }
}

/**
 * The bundle file URL serving `specifier`, or undefined: when no bundle serves it, or when the
 * installed packages are not all the versions its bundle was made from (checked once per bundle).
 */
export function bundleRedirects(
  manifest: BundleManifest,
  root: URL = rootUrl,
  vendor: URL = vendorUrl,
): (specifier: string) => string | undefined {
  const targets = new Map<string, { readonly bundle: BundleRecord; readonly url: string }>();
  for (const bundle of Object.values(manifest)) {
    for (const [specifier, file] of Object.entries(bundle.entries)) {
      targets.set(specifier, { bundle, url: new URL(file, vendor).href });
    }
  }
  const current = new Map<BundleRecord, boolean>();
  return (specifier) => {
    const target = targets.get(specifier);
    if (!target) return undefined;
    let matches = current.get(target.bundle);
    if (matches === undefined) {
      matches = Object.entries(target.bundle.packages).every(
        ([location, version]) => installedVersion(location, root) === version,
      );
      current.set(target.bundle, matches);
    }
    return matches ? target.url : undefined;
  };
}
