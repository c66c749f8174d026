// Comments point only at files in the repository (checks/comment-references.ts): the tree has no
// stale reference, and a probe file with stale references,
// written into a real package, is caught line by line while the good references beside it are not.
import { describe, expect, it } from 'vitest';
import { staleReferences } from './comment-references.js';
import { PROBE, withProbeFiles } from './probe-files.js';
import { repositoryRoot } from './repository.js';

describe('comment references', () => {
  it('name only files that exist', () => {
    expect(staleReferences(repositoryRoot)).toEqual([]);
  });

  it('are caught when stale, in a real package', () => {
    // In a test folder: scanned like src/, and no package counts as edited (checks/probe-files.ts).
    const file = `packages/core/test/${PROBE}.ts`;
    const lines = [
      '// Stale: docs/no-such-doc-<probe>.md and packages/core/src/no-such-module-<probe>.ts,',
      '// NO-SUCH-README-<probe>.md, 9999_no_such_migration_<probe>.sql, ./no-such-sibling-<probe>.js,',
      '/* ../no-such-<probe>/x.json and a folder: examples/no-such-example-<probe>. */',
      // Each of these exists: from the root, from the probe's folder (the `.js` name of a `.ts`
      // file), from a folder above it in its package (packages/core/src/domain/errors.ts); or is
      // no path: a glob, a placeholder, a template, a URL; or is not in a comment.
      '/**',
      ' * Fine: docs/api.md, README.md, packages/core/templates, ./use-case-harness.js, ../src/index.ts,',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder as a comment writes it
      ' * src/domain/errors.ts, packages/*/src, <dir>/no-such-<probe>.hbs, ${name}-<probe>.js,',
      ' * https://example.com/no-such-<probe>.md',
      ' */',
      "export const notAComment = 'docs/no-such-string-<probe>.md';",
      'export const alsoNot = `packages/no-such-template-<probe>.ts`; // trailing: bench/no-such-<probe>.ts',
      '',
    ];
    const found = withProbeFiles({ [file]: lines.join('\n') }, () =>
      staleReferences(repositoryRoot).filter((ref) => ref.file === file),
    );
    const at = (line: number, reference: string) => ({
      file,
      line,
      reference: reference.replace('<probe>', PROBE),
    });
    expect(found).toEqual([
      at(1, 'docs/no-such-doc-<probe>.md'),
      at(1, 'packages/core/src/no-such-module-<probe>.ts'),
      at(2, 'NO-SUCH-README-<probe>.md'),
      at(2, '9999_no_such_migration_<probe>.sql'),
      at(2, './no-such-sibling-<probe>.js'),
      at(3, '../no-such-<probe>/x.json'),
      at(3, 'examples/no-such-example-<probe>'),
      at(10, 'bench/no-such-<probe>.ts'),
    ]);
  });
});
