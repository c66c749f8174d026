import { readFileSync } from 'node:fs';

const cache = new Map<string, string>();

/**
 * The `version` of the package.json at `manifestUrl`, `0.0.0` when it cannot be read. Packages
 * pass `new URL('../package.json', import.meta.url)` from a file one level below their root,
 * which holds from `src/` and from every chunk of a `dist/` build alike.
 */
export function readPackageVersion(manifestUrl: URL): string {
  let version = cache.get(manifestUrl.href);
  if (version === undefined) {
    try {
      const manifest = JSON.parse(readFileSync(manifestUrl, 'utf8')) as { version?: unknown };
      version = typeof manifest.version === 'string' ? manifest.version : '0.0.0';
    } catch {
      version = '0.0.0';
    }
    cache.set(manifestUrl.href, version);
  }
  return version;
}
