/**
 * Key-based redaction for log lines, in one pass over the logged object.
 *
 * pino's own `redact` option needed a wildcard path per key and per depth (`*.email`,
 * `*.*.email`, …) to catch a key wherever it sits, and wildcard paths made it walk and restore every
 * object of every line: 17 % of the API's busy CPU under load (docs/benchmarks.md). This walker
 * visits each key once, copies only the objects on the way to a key it replaces (the caller's object
 * is never mutated), and has no depth limit below {@link MAX_DEPTH}, so it catches more than the
 * paths did: a recipient address or a secret nested at any depth is replaced.
 */

/** Past this depth an object is replaced whole: nothing below it is written, so nothing leaks. */
const MAX_DEPTH = 8;

/** Written in place of an object nested deeper than {@link MAX_DEPTH} (or of a cycle). */
const TOO_DEEP = '[Too deep]';

/**
 * Returns the value, or a copy of it, with the sensitive keys replaced. `skipTopLevel` names
 * top-level keys to leave alone because a serializer turns them into something else first and is
 * redacted itself (`err`: an Error's message and stack are not enumerable, so walking the Error
 * would lose them).
 */
export type Redactor = (value: unknown, skipTopLevel?: ReadonlySet<string>) => unknown;

/**
 * A function returning `value` with every property whose key is one of `keys` (compared exactly
 * and lower-cased, so `Authorization` and `AUTHORIZATION` match `authorization`) replaced by
 * `censor`, at any depth. Returns `value` itself when nothing was replaced.
 */
export function createRedactor(keys: Iterable<string>, censor: string): Redactor {
  const sensitive = new Set<string>();
  for (const key of keys) {
    sensitive.add(key);
    sensitive.add(key.toLowerCase());
  }
  const isSensitive = (key: string): boolean => sensitive.has(key) || sensitive.has(key.toLowerCase());

  const redact = (value: unknown, depth: number, skip?: ReadonlySet<string>): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (depth > MAX_DEPTH) return TOO_DEEP;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i += 1) {
        const item: unknown = value[i];
        const clean = redact(item, depth + 1);
        if (clean !== item) {
          copy ??= value.slice();
          copy[i] = clean;
        }
      }
      return copy ?? value;
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      // What JSON.stringify would write is what must be clean (a Date gives a string, a Buffer
      // a plain object); returning it serialises the same.
      const json: unknown = toJSON.call(value);
      return typeof json === 'object' ? redact(json, depth) : json;
    }
    // Own enumerable string keys: exactly what JSON.stringify writes, so a copy serialises the same.
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const item: unknown = (value as Record<string, unknown>)[key];
      let clean: unknown;
      if (item === undefined || skip?.has(key)) continue;
      if (isSensitive(key)) clean = censor;
      else if (typeof item === 'object' && item !== null) clean = redact(item, depth + 1);
      else continue;
      if (clean !== item) {
        copy ??= { ...(value as Record<string, unknown>) };
        copy[key] = clean;
      }
    }
    return copy ?? value;
  };

  return (value, skipTopLevel) => redact(value, 0, skipTopLevel);
}
