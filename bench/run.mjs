#!/usr/bin/env node
// Entry point of `pnpm bench` / `pnpm bench:smoke`. The harness is TypeScript (bench/src); this
// launcher compiles it with tsc (which also type-checks it) and runs it against the BUILT stock
// processes (packages/*/dist), because a benchmark of the TypeScript sources through a loader
// would measure the loader. The package build takes minutes (declaration files), so it runs only
// when a dist is missing or with `--build`; a dist older than its sources is reported.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stalePackages } from '../scripts/stale-packages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** The built files the benchmark starts. */
const ENTRIES = ['api', 'worker', 'migrate'].map((name) => `packages/service/dist/bin/${name}.js`);

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const missing = ENTRIES.filter((file) => !existsSync(join(root, file)));
if (args.includes('--build') || missing.length > 0) {
  if (missing.length > 0) console.log(`Building the packages (missing: ${missing.join(', ')})`);
  run('pnpm', ['build']);
} else {
  const stale = stalePackages(root);
  if (stale.length > 0) {
    console.warn(
      `!! dist is older than src in: ${stale.join(', ')}; this run measures the old build (pass --build to rebuild)`,
    );
  }
}

run(join(root, 'node_modules/.bin/tsc'), ['-p', 'bench/tsconfig.json']);
// Ctrl-C reaches the harness too (same process group); it cleans up and exits, and its exit code is ours.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
const harness = spawnSync(
  process.execPath,
  [join(root, 'bench/dist/main.js'), ...args.filter((a) => a !== '--build')],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(harness.status ?? 1);
