import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * This package's version, reported by health. Read from package.json next to `src/` or `dist/`
 * (both sit one level below the package root, chunks included).
 */
export function serviceVersion(): string {
  if (cached === undefined) {
    try {
      const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
        version?: unknown;
      };
      cached = typeof manifest.version === 'string' ? manifest.version : '0.0.0';
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}
