import { z } from 'zod';
import type { ErrorDetail } from '../domain/errors.js';

/*
 * How the list query and the dead-letter query read a query string's values before their schemas
 * check them (list-query.ts, application/dead-letter-query.ts).
 */

/** Decimal digits only: `Number()` would also take '1e2', '0x10', ' 5' and '5.0'. */
const DECIMAL = /^\d{1,9}$/;

/**
 * A whole number from 1 to `max`, absent = `fallback`. Every way of missing it (not a number, a
 * fraction, out of range) gets the one message the API has always answered with.
 */
export function pagingInteger(max: number, fallback: number) {
  const error = `must be an integer from 1 to ${max}`;
  return z.int({ error }).min(1, { error }).max(max, { error }).default(fallback);
}

/**
 * The one value of a query parameter, or undefined when it is absent (or empty). A repeated
 * parameter (an array: which one was meant is a guess) or a non-string is a detail at `name`.
 */
export function queryValue(value: unknown, name: string, details: ErrorDetail[]): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  details.push({
    path: name,
    message: Array.isArray(value) ? `${name} must be given once` : `${name} must be a string`,
  });
  return undefined;
}

/** A query parameter's digits as a number for its schema; NaN (refused by it) for anything else. */
export function queryInteger(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  return DECIMAL.test(raw) ? Number(raw) : Number.NaN;
}
