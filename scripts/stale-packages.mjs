// Which workspace packages need `pnpm build`: shared by `pnpm start` (scripts/build-if-stale.mjs),
// the benchmark's launcher (bench/run.mjs) and the tests that run what users run
// (test-support/packaging/built-packages.ts).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Newest modification time under `path` (a file or a folder, recursively); 0 when missing. */
function newestMtime(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newestMtime(join(path, entry)));
  return latest;
}

/**
 * The folders under packages/ whose `dist` is missing or older than what it is built from: the
 * package's sources, package.json and tsup config, and the shared build configuration.
 */
export function stalePackages(root = repoRoot) {
  const shared = Math.max(
    newestMtime(join(root, 'tsup.base.ts')),
    newestMtime(join(root, 'tsconfig.base.json')),
  );
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir).filter((name) => {
    const dir = join(packagesDir, name);
    const built = statSync(join(dir, 'dist', 'index.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    const sources = Math.max(
      shared,
      newestMtime(join(dir, 'src')),
      newestMtime(join(dir, 'package.json')),
      newestMtime(join(dir, 'tsup.config.ts')),
    );
    return built === 0 || sources > built;
  });
}
