#!/usr/bin/env node
// `pnpm start` runs this first: it builds only the packages whose sources changed since their
// last build (scripts/stale-packages.mjs), so a start after an unchanged checkout takes no build.
import { spawnSync } from 'node:child_process';
import { repoRoot, stalePackages } from './stale-packages.mjs';

const stale = stalePackages();
if (stale.length === 0) {
  console.log('Every package is built and current; nothing to build');
} else {
  console.log(`Building what changed: ${stale.join(', ')}`);
  const filters = stale.flatMap((name) => ['--filter', `./packages/${name}`]);
  const build = spawnSync('pnpm', ['-r', ...filters, 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
