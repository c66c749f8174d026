import { statSync } from 'node:fs';
import { z } from 'zod';

/*
 * One zod schema per kind of environment value. Every message says what is expected and never
 * repeats the value it got: several of these variables hold credentials (passwords, URLs with
 * user info, API keys), and a config error is printed to the console.
 * An empty string counts as unset: `FOO=` in a compose file or .env usually means "no value".
 */

type Ctx = z.core.$RefinementCtx<string | undefined>;

function fail(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

/** Trims, and turns '' into undefined. */
const raw = z
  .string()
  .optional()
  .transform((value) => {
    const trimmed = value?.trim();
    return trimmed === undefined || trimmed === '' ? undefined : trimmed;
  });

export function optionalText(): z.ZodType<string | undefined, string | undefined> {
  return raw.transform((value, ctx) => {
    if (value !== undefined && /[\r\n]/.test(value)) fail(ctx, 'must be a single line');
    return value;
  });
}

export function integer<D extends number | undefined>(
  min: number,
  max: number,
  fallback: D,
): z.ZodType<number | D, string | undefined> {
  return raw.transform((value, ctx) => {
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
      fail(ctx, `must be a whole number from ${min} to ${max}`);
    }
    return parsed;
  });
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d{1,9})(ms|s|m|h|d)?$/;

/** `250ms`, `5s`, `30m`, `2h`, `5d`, or bare digits (ms), to milliseconds; undefined when malformed. */
function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  return Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] as number);
}

const DURATION_HINT = 'a number with a unit: ms, s, m, h or d (e.g. 5s, 30m, 10h, 5d)';

/** One duration (durationMs), in milliseconds, from `min` ms. */
export function duration(min: number, fallback: number): z.ZodType<number, string | undefined> {
  return raw.transform((value, ctx) => {
    if (value === undefined) return fallback;
    const ms = durationMs(value);
    if (ms === undefined || ms < min)
      return fail(ctx, `must be a duration of at least ${min} ms: ${DURATION_HINT}`);
    return ms;
  });
}

/** A comma list of durations (durationMs), in milliseconds; at most `max` of them. */
export function durationList(
  max: number,
  fallback: readonly number[],
): z.ZodType<number[], string | undefined> {
  return raw.transform((value, ctx) => {
    if (value === undefined) return [...fallback];
    const parts = value.split(',').map((part) => durationMs(part));
    if (parts.length > max || parts.some((ms) => ms === undefined)) {
      return fail(ctx, `must be up to ${max} durations separated by commas, each ${DURATION_HINT}`);
    }
    return parts as number[];
  });
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Accepts the predecessor's Python spelling (`True`/`False`) as well as 1/0, yes/no, on/off. */
export function boolean(fallback: boolean): z.ZodType<boolean, string | undefined> {
  return raw.transform((value, ctx) => {
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
    return fail(ctx, 'must be true or false (also accepted: 1/0, yes/no, on/off)');
  });
}

/** A URL whose scheme is one of `protocols` (without the colon). */
export function url(protocols: string[], hint = ''): z.ZodType<string | undefined, string | undefined> {
  const expected = protocols.map((p) => `${p}://`).join(' or ');
  return raw.transform((value, ctx) => {
    if (value === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return fail(ctx, `must be a ${expected} URL${hint}`);
    }
    if (!protocols.includes(parsed.protocol.slice(0, -1)) || parsed.hostname === '') {
      fail(ctx, `must be a ${expected} URL with a host${hint}`);
    }
    return value;
  });
}

const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

/** `noreply@example.com` or `Example <noreply@example.com>`. */
export function sender(): z.ZodType<string | undefined, string | undefined> {
  return raw.transform((value, ctx) => {
    if (value === undefined) return undefined;
    const bracketed = /^[^<>\r\n]*<([^<>]+)>$/.exec(value);
    const address = bracketed ? bracketed[1] : value;
    if (/[\r\n]/.test(value) || address === undefined || !ADDRESS.test(address)) {
      fail(ctx, 'must be an email address, optionally with a display name: "Example <noreply@example.com>"');
    }
    return value;
  });
}

const LEVELS: Record<string, string> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  silent: 'silent',
};

/** Case-insensitive, with Python's names (WARNING, CRITICAL) mapped to pino's. */
export function logLevel(): z.ZodType<string, string | undefined> {
  return raw.transform((value, ctx) => {
    if (value === undefined) return 'info';
    const level = LEVELS[value.toLowerCase()];
    return level ?? fail(ctx, 'must be one of trace, debug, info, warn, error, fatal, silent');
  });
}

/** Comma-separated keys; blanks between commas are ignored. */
export function keyList(): z.ZodType<string[], string | undefined> {
  return raw.transform((value, ctx) => {
    if (value === undefined) return [];
    const keys = value
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== '');
    if (keys.some((key) => key.length < 16 || /\s/.test(key))) {
      fail(ctx, 'must be a comma-separated list of keys, each at least 16 characters without spaces');
    }
    return keys;
  });
}

/** One of `choices`, any case; undefined when unset. */
export function oneOf<const C extends string>(
  choices: readonly C[],
): z.ZodType<C | undefined, string | undefined> {
  return raw.transform((value, ctx) => {
    if (value === undefined) return undefined;
    const lower = value.toLowerCase();
    const choice = choices.find((c) => c === lower);
    return choice ?? fail(ctx, `must be one of ${choices.join(', ')}`);
  });
}

export function existingDirectory(): z.ZodType<string | undefined, string | undefined> {
  return raw.transform((value, ctx) => {
    if (value === undefined) return undefined;
    let isDirectory = false;
    try {
      isDirectory = statSync(value).isDirectory();
    } catch {
      // missing or unreadable: reported below
    }
    if (!isDirectory) fail(ctx, 'must name an existing directory');
    return value;
  });
}
