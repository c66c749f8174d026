import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from bench/dist). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS_DIR = join(ROOT, 'bench/results');
/**
 * Where the service under test is built: a checkout whose packages hold the built stock bins (dist).
 * This repository by default; `BENCH_SERVICE_ROOT` points at another build to compare (A/B).
 */
export const SERVICE_ROOT = process.env.BENCH_SERVICE_ROOT ?? ROOT;
/** Compiled helper processes of the harness itself (smtp sink, hello-world, raw sender). */
export const HARNESS_DIST = join(ROOT, 'bench/dist');

/**
 * Where a stock bin is built under SERVICE_ROOT, relative to it: packages/service since the
 * composition root got its own package; the earlier layout (host-koa, host-worker,
 * adapter-postgres) is still found, so a back-to-back run can measure a checkout from before.
 */
export function serviceBin(name: 'api' | 'worker' | 'migrate'): string {
  const current = `packages/service/dist/bin/${name}.js`;
  if (existsSync(join(SERVICE_ROOT, current))) return current;
  const before = { api: 'host-koa', worker: 'host-worker', migrate: 'adapter-postgres' }[name];
  return `packages/${before}/dist/bin/${name}.js`;
}
