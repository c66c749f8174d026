// `pnpm start` builds only what changed (scripts/build-if-stale.mjs): the decision, on a tree of
// its own in the temp folder, so the real packages' dist is never touched while other tests run.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stalePackages } from '../scripts/stale-packages.mjs';
import { repositoryRoot } from './repository.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A repository with packages `a` and `b`, each built one minute after its sources changed. */
function builtTree(): { root: string; at: (path: string, minutesAgo: number) => void } {
  const root = mkdtempSync(join(tmpdir(), 'notify-stale-'));
  roots.push(root);
  const at = (path: string, minutesAgo: number) => {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
    const time = new Date(Date.now() - minutesAgo * 60_000);
    utimesSync(file, time, time);
  };
  for (const shared of ['tsup.base.ts', 'tsconfig.base.json']) at(shared, 10);
  for (const name of ['a', 'b']) {
    for (const source of ['src/index.ts', 'package.json', 'tsup.config.ts'])
      at(`packages/${name}/${source}`, 5);
    at(`packages/${name}/dist/index.js`, 4);
  }
  // Making the files touched their folders; a folder's time counts too (a file added or removed).
  const past = new Date(Date.now() - 10 * 60_000);
  const settle = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) settle(join(dir, entry.name));
    }
    utimesSync(dir, past, past);
  };
  settle(root);
  return { root, at };
}

describe('which packages pnpm start builds', () => {
  it('none when every dist is newer than what it is built from', () => {
    expect(stalePackages(builtTree().root)).toEqual([]);
  });

  it('the one whose sources, manifest or tsup config changed since', () => {
    const tree = builtTree();
    tree.at('packages/b/src/deep/file.ts', 1);
    expect(stalePackages(tree.root)).toEqual(['b']);
    tree.at('packages/a/package.json', 1);
    expect(stalePackages(tree.root)).toEqual(['a', 'b']);
  });

  it('one that was never built, and all when the shared build configuration changed', () => {
    const tree = builtTree();
    rmSync(join(tree.root, 'packages/a/dist'), { recursive: true });
    expect(stalePackages(tree.root)).toEqual(['a']);
    tree.at('tsup.base.ts', 1);
    expect(stalePackages(tree.root)).toEqual(['a', 'b']);
  });

  it('is what the start script runs before the embedded service', () => {
    const manifest = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8'));
    expect(manifest.scripts.start).toBe(
      'node scripts/build-if-stale.mjs && node packages/service/dist/bin/serve.js',
    );
  });
});
