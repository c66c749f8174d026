import type { ErrorDetail } from '../domain/errors.js';

/** What PostgreSQL cannot store in text or JSONB (SQLSTATE 22P05, 22021), nor render as mail. */
const LONE_SURROGATE = /\p{Cs}/u;
const hasNul = (text: string) => text.includes('\u0000');
/** The most details one walk reports: enough to fix a body, too few to grow an answer unbounded. */
const MAX_DETAILS = 10;

/** A key as a path element, printable: a key holding a NUL or a surrogate is shown escaped. */
function printable(key: string): string {
  return hasNul(key) || LONE_SURROGATE.test(key) ? JSON.stringify(key).slice(1, -1) : key;
}

function textProblem(text: string): string | undefined {
  if (hasNul(text)) return 'must not contain a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text))
    return 'must not contain an unpaired surrogate (it is not valid Unicode text)';
  return undefined;
}

export interface StorableJsonOptions {
  /**
   * Keys refused inside objects, with why: a variable holding an object with a `toString` key
   * cannot be rendered as text (Handlebars would call it, and it is no function).
   */
  reservedKeys?: ReadonlyMap<string, string>;
}

/**
 * Everything in `value` (a JSON value already known to nest within the limit) that would be
 * stored as something other than what was sent, or refused by the store: text holding a NUL or an
 * unpaired surrogate (in values and keys), numbers JSON.parse turned into Infinity (`1e309` would
 * come back `null`), and `__proto__` keys (dropped by any copy of the object). Each is a 422 at
 * its path, in every mode, rather than a store error after validation.
 */
export function storableJsonProblems(
  field: string,
  value: unknown,
  options: StorableJsonOptions = {},
): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const visit = (node: unknown, path: string): void => {
    if (problems.length >= MAX_DETAILS) return;
    if (typeof node === 'string') {
      const problem = textProblem(node);
      if (problem) problems.push({ path, message: `${path} ${problem}` });
    } else if (typeof node === 'number') {
      if (!Number.isFinite(node)) problems.push({ path, message: `${path} must be a finite number` });
    } else if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) visit(item, `${path}.${index}`);
    } else if (typeof node === 'object' && node !== null) {
      for (const key of Object.keys(node)) {
        const child = `${path}.${printable(key)}`;
        const keyProblem = textProblem(key);
        const reserved = key === '__proto__' ? 'is a reserved key name' : options.reservedKeys?.get(key);
        if (keyProblem) problems.push({ path: child, message: `${child}: its key ${keyProblem}` });
        else if (reserved) problems.push({ path: child, message: `${child} ${reserved}` });
        else visit((node as Record<string, unknown>)[key], child);
      }
    }
  };
  visit(value, field);
  return problems;
}
