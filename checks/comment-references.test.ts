// Comments point only at files in the repository (checks/comment-references.ts): the tree has no
// stale reference beyond the known ones listed here, and a probe file with stale references,
// written into a real package, is caught line by line while the good references beside it are not.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type StaleReference, staleReferences } from './comment-references.js';
import { repositoryRoot } from './repository.js';

/**
 * Stale references in folders that are being reworked elsewhere at the time of writing; each is to
 * be fixed there, and then removed from this list (the test fails while a listed one is gone).
 */
const KNOWN_STALE: StaleReference[] = [
  // It means packages/core/src/application/views.ts, by its bare name.
  { file: 'packages/host-koa/src/openapi/response-schemas.ts', line: 6, reference: 'views.ts' },
];

describe('comment references', () => {
  it('name only files that exist', () => {
    const stale = staleReferences(repositoryRoot);
    const known = (ref: StaleReference) =>
      KNOWN_STALE.some((k) => k.file === ref.file && k.reference === ref.reference);
    expect(stale.filter((ref) => !known(ref))).toEqual([]);
    // A known one that was fixed (or moved) leaves the list.
    expect(
      KNOWN_STALE.filter((k) => !stale.some((ref) => ref.file === k.file && ref.reference === k.reference)),
    ).toEqual([]);
  });

  it('are caught when stale, in a real package', () => {
    const tag = `__probe-${process.pid}`;
    const file = `packages/core/src/${tag}.ts`;
    const lines = [
      `// Stale: docs/no-such-doc-${tag}.md and packages/core/src/no-such-module-${tag}.ts,`,
      `// NO-SUCH-README-${tag}.md, 9999_no_such_migration_${tag}.sql, ./no-such-sibling-${tag}.js,`,
      `/* ../no-such-${tag}/x.json and a folder: examples/no-such-example-${tag}. */`,
      // Each of these exists: from the root, from the probe's folder (the `.js` name of a `.ts`
      // file), from a folder above it in its package (packages/core/src/domain/errors.ts); or is
      // no path: a glob, a placeholder, a template, a URL; or is not in a comment.
      '/**',
      ' * Fine: docs/api.md, README.md, packages/core/templates, ./index.js, domain/errors.ts,',
      ` * packages/*/src, <dir>/no-such-${tag}.hbs, \${name}-${tag}.js, https://example.com/no-such-${tag}.md`,
      ' */',
      `export const notAComment = 'docs/no-such-string-${tag}.md';`,
      `export const alsoNot = \`packages/no-such-template-${tag}.ts\`; // trailing: bench/no-such-${tag}.ts`,
      '',
    ];
    let found: StaleReference[];
    try {
      writeFileSync(join(repositoryRoot, file), lines.join('\n'));
      found = staleReferences(repositoryRoot).filter((ref) => ref.file === file);
    } finally {
      rmSync(join(repositoryRoot, file), { force: true });
    }
    expect(found).toEqual([
      { file, line: 1, reference: `docs/no-such-doc-${tag}.md` },
      { file, line: 1, reference: `packages/core/src/no-such-module-${tag}.ts` },
      { file, line: 2, reference: `NO-SUCH-README-${tag}.md` },
      { file, line: 2, reference: `9999_no_such_migration_${tag}.sql` },
      { file, line: 2, reference: `./no-such-sibling-${tag}.js` },
      { file, line: 3, reference: `../no-such-${tag}/x.json` },
      { file, line: 3, reference: `examples/no-such-example-${tag}` },
      { file, line: 9, reference: `bench/no-such-${tag}.ts` },
    ]);
  });
});
