import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensurePackagesBuilt, repoRoot } from '../../../test-support/packaging/built-packages.js';
import { runCommand } from '../../../test-support/packaging/run-command.js';

// The bins as a reader of the README runs them from the repository: `pnpm exec notify-*`, linked
// by the install into the root's node_modules/.bin (the root depends on @notify/service).
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  bin: Record<string, string>;
};
const BINS = Object.keys(manifest.bin);

describe('the notify-* bins from the repository', () => {
  beforeAll(() => ensurePackagesBuilt(), 600_000);

  it('are every stock program, each linked at the root', () => {
    expect(BINS.sort()).toEqual([
      'notify-api',
      'notify-dead-letters',
      'notify-migrate',
      'notify-serve',
      'notify-worker',
    ]);
    for (const bin of BINS) {
      expect(() => readFileSync(join(repoRoot, 'node_modules/.bin', bin)), bin).not.toThrow();
    }
  });

  for (const bin of BINS) {
    it(`${bin} --help prints its usage and exits 0`, async () => {
      const result = await runCommand('pnpm', ['exec', bin, '--help'], { cwd: repoRoot, timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Usage: ${bin}`);
      expect(result.stderr).toBe('');
    }, 60_000);
  }

  it('refuses an unknown argument with exit 2 and a pointer to --help', async () => {
    for (const bin of BINS) {
      const result = await runCommand('pnpm', ['exec', bin, '--no-such-flag'], {
        cwd: repoRoot,
        timeoutMs: 60_000,
      });
      expect(result.code, `${bin}: ${result.stdout}${result.stderr}`).toBe(2);
      expect(result.stderr, bin).toMatch(/--help/);
    }
  }, 120_000);
});
