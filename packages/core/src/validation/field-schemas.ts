import { z } from 'zod';
import {
  ERROR_CODE_PATTERN,
  emailProblem,
  errorCodeProblem,
  headerValueProblem,
  MAX_EMAIL_LENGTH,
  MAX_EMAIL_LOCAL_PART_LENGTH,
  MAX_REQUEST_ID_LENGTH,
  MAX_SUBJECT_LENGTH,
  MAX_USER_ID_LENGTH,
  requestIdProblem,
  TEMPLATE_CODE_PATTERN,
  templateCodeProblem,
  userIdProblem,
} from './field-rules.js';

/*
 * The contract's string fields as zod schemas. Each one checks with its rule from field-rules.ts
 * (the precise messages and code-point lengths the API answers with, which JSON Schema cannot
 * carry) and declares, in `.meta()` right beside that refinement, the same rule as JSON-Schema
 * facts: `z.toJSONSchema` copies them into the OpenAPI document (docs/openapi.md), and
 * packages/host-koa/test/openapi-accept-schema.test.ts holds the two to the same verdicts.
 * A use describes its field with `.describe()`; the facts are inherited.
 */

/** Turns a `(value) => problem | undefined` rule into a zod refinement; the caller prefixes the field name. */
export function refineWith<T>(problemOf: (value: T) => string | undefined) {
  return (value: T, ctx: z.RefinementCtx) => {
    const problem = problemOf(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  };
}

/** The C0 and C1 control characters (`\p{Cc}`, which the rules refuse) as an ECMA-262 class body. */
const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f';
/** At least one non-whitespace character (`trim()` is not empty), no control characters. */
const NOT_BLANK_NO_CONTROL = `^(?=[\\s\\S]*\\S)[^${CONTROL}]*$`;

export const userIdSchema = z
  .string()
  .superRefine(refineWith(userIdProblem))
  .meta({ minLength: 1, maxLength: MAX_USER_ID_LENGTH, pattern: NOT_BLANK_NO_CONTROL });

export const templateCodeSchema = z
  .string()
  .superRefine(refineWith(templateCodeProblem))
  .meta({ pattern: TEMPLATE_CODE_PATTERN.source });

export const requestIdSchema = z
  .string()
  .superRefine(refineWith(requestIdProblem))
  .meta({
    minLength: 1,
    maxLength: MAX_REQUEST_ID_LENGTH,
    pattern: `^(?!\\.{1,2}$)[^\\s${CONTROL}]+$`,
    description: `The idempotency key: 1 to ${MAX_REQUEST_ID_LENGTH} characters, no whitespace or control characters, not "." or "..".`,
  });

/** zod's address pattern (emailProblem's), led by a look-ahead for the limit before the "@" (it allows one "@"). */
const EMAIL_PATTERN = `^(?=[^@]{0,${MAX_EMAIL_LOCAL_PART_LENGTH}}@)${z.regexes.email.source.replace(/^\^/, '')}`;

export const emailSchema = z
  .string()
  .superRefine(refineWith(emailProblem))
  .meta({ maxLength: MAX_EMAIL_LENGTH, format: 'email', pattern: EMAIL_PATTERN });

/** A header value: like the above, but a tab is allowed, and line breaks are control characters. */
export const subjectSchema = z
  .string()
  .superRefine(refineWith((value: string) => headerValueProblem(value, MAX_SUBJECT_LENGTH)))
  .meta({
    minLength: 1,
    maxLength: MAX_SUBJECT_LENGTH,
    pattern: '^(?=[\\s\\S]*\\S)[^\\u0000-\\u0008\\u000a-\\u001f\\u007f-\\u009f]*$',
  });

export const errorCodeSchema = z
  .string()
  .superRefine(refineWith(errorCodeProblem))
  .meta({ pattern: ERROR_CODE_PATTERN.source });
