import type { z } from 'zod';
import type { ErrorDetail } from '../domain/errors.js';
import { NotifyError } from '../domain/errors.js';

/** Dotted path of a zod issue (`['variables', 'email']` → `variables.email`). */
function dottedPath(path: readonly PropertyKey[]): string {
  return path.map((key) => String(key)).join('.');
}

/** A detail per zod issue, the message prefixed with the field's dotted path (`variables.email must …`). */
export function issueDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.map((issue) => {
    const path = dottedPath(issue.path);
    return { path, message: `${path} ${issue.message}` };
  });
}

/**
 * One detail per field (the first problem found wins), ordered as `fieldOrder` lists the top-level
 * fields, so clients and tests see a stable answer.
 */
export function onePerField(details: ErrorDetail[], fieldOrder: readonly string[]): ErrorDetail[] {
  const seen = new Map<string, ErrorDetail>();
  for (const detail of details) if (!seen.has(detail.path)) seen.set(detail.path, detail);
  const rank = (path: string) => {
    const index = fieldOrder.indexOf(path.split('.')[0] ?? path);
    return index === -1 ? fieldOrder.length : index;
  };
  return [...seen.values()].sort((a, b) => rank(a.path) - rank(b.path));
}

/** The VALIDATION_FAILED error, its message naming what is wrong so a log line alone is useful. */
export function validationFailed(details: ErrorDetail[], subject = 'request'): NotifyError {
  const first = details[0];
  const message =
    details.length === 1 && first
      ? `Invalid ${subject}: ${first.message}`
      : `Invalid ${subject}: ${details.length} fields are invalid (${details.map((d) => d.path).join(', ')})`;
  return new NotifyError('VALIDATION_FAILED', message, { details });
}
