// Finds the comments in the repository's code that name a file of the repository which does not
// exist (a moved doc, a renamed module, a folder that went away): comments point at files a reader
// can open. checks/comment-references.test.ts runs it on the tree and shows it catching a stale one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/** A comment's reference to a path that is not in the repository. */
export interface StaleReference {
  /** The file holding the comment, relative to the root, with `/`. */
  file: string;
  line: number;
  /** The path as the comment writes it. */
  reference: string;
}

/** The folders whose code is scanned (with everything below them); `*` is one folder level. */
const SCANNED_FOLDERS = [
  'packages/*/src',
  'packages/*/test',
  'examples/*/src',
  'examples/*/test',
  'test-support',
  'faults',
  'bench/src',
  'checks',
];

const CODE_FILE = /\.(?:[cm]?ts|[cm]?js)$/;
/** Extensions of the files a comment may name: code, docs, SQL, templates, configuration. */
const FILE_EXTENSIONS = 'md|[cm]?ts|[cm]?js|json|sql|ya?ml|hbs|pem|sh|html|txt';
// A path glued to one of these characters is part of a glob (`packages/*/src`), a placeholder
// (`<dir>/x.hbs`), a template (`${name}.js`), a scoped package name or a longer word: not a path.
const BEFORE = String.raw`(?<![\w@$.*/<>{}\\-])`;
const AFTER = String.raw`(?![\w/*<>{}$\\-])`;
/** A file name with an extension, bare or with folders: README.md, docs/api.md, ../docs/api.md. */
const FILE_PATH = new RegExp(
  String.raw`${BEFORE}((?:\.\.?/)*\w[\w.-]*(?:/[\w.-]+)*\.(?:${FILE_EXTENSIONS}))${AFTER}`,
  'g',
);
const URL_PATTERN = /\b[a-z][a-z\d+.-]*:\/\/\S+/gi;

function expandFolders(root: string): string[] {
  return SCANNED_FOLDERS.flatMap((pattern) => {
    const [parent, rest] = pattern.split('/*');
    if (rest === undefined) return [pattern];
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}${rest}`);
  }).filter((folder) => existsSync(join(root, folder)));
}

function codeFiles(root: string, folder: string, recursive = true): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
    const path = folder === '.' ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) {
      if (recursive && entry.name !== 'node_modules' && entry.name !== 'dist') {
        files.push(...codeFiles(root, path));
      }
    } else if (CODE_FILE.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}

const LITERALS = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.RegularExpressionLiteral,
]);

/**
 * Every comment of a file, with its offset. The TypeScript parser finds the string, template and
 * regular expression literals, which are blanked out first: what then starts with `//` or `/*` is
 * a comment (code outside literals cannot hold either).
 */
function comments(fileName: string, text: string): { text: string; pos: number }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const chars = text.split('');
  const visit = (node: ts.Node) => {
    if (LITERALS.has(node.kind)) {
      for (let i = node.getStart(source); i < node.end; i += 1) if (chars[i] !== '\n') chars[i] = ' ';
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const found: { text: string; pos: number }[] = [];
  for (const match of chars.join('').matchAll(/\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/g)) {
    const pos = match.index ?? 0;
    found.push({ pos, text: text.slice(pos, pos + match[0].length) });
  }
  return found;
}

/**
 * The folders a path in a comment of `file` may be relative to: the root, and the file's folder
 * and each one above it up to its package (a comment in packages/core/src/application may name a
 * file of packages/core/src as `application/...`) or up to its top folder outside one.
 */
function bases(root: string, file: string): string[] {
  const found = [root];
  for (let dir = dirname(file); dir !== '.'; dir = dirname(dir)) {
    found.push(join(root, dir));
    if (existsSync(join(root, dir, 'package.json'))) break;
  }
  return found;
}

/**
 * The paths that make a reference true: itself; for a `.js` name, the `.ts` file (NodeNext imports
 * end in `.js`); for a build output (bench/dist/paths.js), its source (bench/src/paths.ts), which is
 * in the repository.
 */
function candidates(reference: string): string[] {
  const source = reference.replace(/(^|\/)dist(\/|$)/, '$1src$2');
  return [...new Set([reference, source])].flatMap((path) => [path, path.replace(/\.([cm]?)js$/, '.$1ts')]);
}

/** References to the repository's top folders (`docs/`, `packages/core/src`), with or without an extension. */
function topFolderPattern(root: string): RegExp {
  const tops = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !['node_modules', '.git', 'coverage'].includes(entry.name))
    .map((entry) => entry.name.replace(/\./g, '\\.'));
  return new RegExp(String.raw`${BEFORE}((?:${tops.join('|')})/[\w./-]*)${AFTER}`, 'g');
}

/** The stale references in the comments of `files` (paths relative to `root`, with `/`). */
function staleReferencesIn(root: string, files: string[]): StaleReference[] {
  const topFolder = topFolderPattern(root);
  const stale: StaleReference[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const lineOf = (pos: number) => text.slice(0, pos).split('\n').length;
    for (const comment of comments(file, text)) {
      const prose = comment.text.replace(URL_PATTERN, (url) => ' '.repeat(url.length));
      const seen = new Set<string>();
      for (const pattern of [FILE_PATH, topFolder]) {
        for (const match of prose.matchAll(pattern)) {
          // A sentence may end right after a path.
          const reference = match[1].replace(/\.+$/, '');
          if (seen.has(reference)) continue;
          seen.add(reference);
          // A path that starts with a top folder (`docs/`, `packages/`) is from the root only.
          const from = pattern === topFolder ? [root] : bases(root, file);
          const ok = from.some((base) => candidates(reference).some((path) => existsSync(join(base, path))));
          if (!ok) stale.push({ file, line: lineOf(comment.pos + (match.index ?? 0)), reference });
        }
      }
    }
  }
  return stale;
}

/** Every scanned file: the code below SCANNED_FOLDERS and the code files in the root itself. */
function scannedFiles(root: string): string[] {
  return [
    ...codeFiles(root, '.', false),
    ...expandFolders(root).flatMap((folder) => codeFiles(root, folder)),
  ];
}

/** The stale references in every scanned file of the repository at `root`. */
export function staleReferences(root: string): StaleReference[] {
  return staleReferencesIn(root, scannedFiles(root));
}
