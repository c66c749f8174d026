// Temporary files that the checks/ tests write into real packages, to show a check failing on them.
import { rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repositoryRoot } from './repository.js';

/** The tag of this process's probes: `__probe-<pid>` (git-ignored, see .gitignore). */
export const PROBE = `__probe-${process.pid}`;

/**
 * Writes `files` (paths relative to the root, `<probe>` standing for PROBE in paths and contents),
 * runs `fn`, and removes them whatever happens. The probes leave the folders' modification times
 * as they were (or a millisecond earlier): test-support/packaging/built-packages.ts rebuilds
 * every package whose src/ is newer than its dist/, and a rebuild in the middle of the suite would
 * empty dist/ under the tests that run the built bins.
 */
export function withProbeFiles<T>(files: Record<string, string>, fn: () => T): T {
  const times = new Map<string, { atime: Date; mtime: Date }>();
  const keepTimes = (folder: string) => {
    const before = times.get(folder);
    if (before) utimesSync(folder, before.atime, before.mtime);
  };
  const written: string[] = [];
  try {
    for (const [path, source] of Object.entries(files)) {
      const file = join(repositoryRoot, path.replaceAll('<probe>', PROBE));
      const folder = dirname(file);
      if (!times.has(folder)) {
        const { atimeMs, mtimeMs } = statSync(folder);
        // A millisecond early: the system rounds a time it is given up to the next one at worst.
        times.set(folder, {
          atime: new Date(Math.floor(atimeMs) - 1),
          mtime: new Date(Math.floor(mtimeMs) - 1),
        });
      }
      writeFileSync(file, source.replaceAll('<probe>', PROBE));
      written.push(file);
      const { atime, mtime } = times.get(folder)!;
      utimesSync(file, atime, mtime);
      keepTimes(folder);
    }
    return fn();
  } finally {
    for (const file of written) {
      rmSync(file, { force: true });
      keepTimes(dirname(file));
    }
  }
}
