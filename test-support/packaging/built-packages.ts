import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, stalePackages } from '../../scripts/stale-packages.mjs';
import { runCommand } from './run-command.js';

export { repoRoot };

/**
 * The tests that run what users run (the stock processes from `dist`, the packed tarballs) need
 * every package built and current. CI builds before it tests, so there this finds nothing to do;
 * on a fresh clone or after an edit it runs `pnpm build` once. A lock directory serialises the
 * test files that call it (vitest runs files in parallel), because tsup empties `dist` first and
 * a second build would pull it from under the first one's readers.
 */
const lockDir = join(tmpdir(), `notify-email-build-${Buffer.from(repoRoot).toString('hex').slice(-24)}.lock`);
const STALE_LOCK_MS = 10 * 60_000;

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(lockDir, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Builds every package when any is stale; resolves once `dist` is current everywhere. */
export function ensurePackagesBuilt(): Promise<void> {
  return withLock(async () => {
    const stale = stalePackages();
    if (stale.length === 0) return;
    const output = await runCommand('pnpm', ['build'], { cwd: repoRoot, timeoutMs: 600_000 });
    if (output.code !== 0) {
      throw new Error(
        `pnpm build failed (stale: ${stale.join(', ')}):\n${output.stdout.slice(-4000)}\n${output.stderr}`,
      );
    }
  });
}
