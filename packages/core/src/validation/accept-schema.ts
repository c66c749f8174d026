import { z } from 'zod';
import type { ErrorDetail } from '../domain/errors.js';
import { NotifyError } from '../domain/errors.js';
import {
  isPlainObject,
  MAX_EMAIL_LENGTH,
  MAX_METADATA_BYTES,
  MAX_NESTING_DEPTH,
  MAX_REQUEST_ID_LENGTH,
  MAX_SUBJECT_LENGTH,
  MAX_USER_ID_LENGTH,
  nestingDepth,
  requestIdProblem,
} from './field-rules.js';
import {
  emailSchema,
  requestIdSchema,
  subjectSchema,
  templateCodeSchema,
  userIdSchema,
} from './field-schemas.js';
import { storableJsonProblems } from './storable-json.js';
import { issueDetails, onePerField, validationFailed } from './validation-details.js';

/** A POST body after validation, defaults applied: what is stored and fingerprinted. */
export interface AcceptPayload {
  notification_type: 'email';
  user_id: string;
  template_code: string;
  variables: Record<string, unknown> & { email: string };
  request_id: string;
  priority: number;
  metadata: Record<string, unknown>;
}

export const DEFAULT_PRIORITY = 10;

const FIELD_ORDER = [
  'notification_type',
  'user_id',
  'template_code',
  'variables',
  'request_id',
  'priority',
  'metadata',
] as const;

const PRIORITY_MESSAGE = 'must be an integer from 1 to 100';

/**
 * The shape of a POST /api/v1/notifications body, with each field's rule and its description
 * (the OpenAPI document's `AcceptRequest` is generated from it: docs/openapi.md). Validate with
 * `parseAcceptBody`, never with this schema alone: the nesting and size limits, the
 * `Idempotency-Key` header and the unsupported-type error are checked around it.
 *
 * Unknown top-level fields are ignored (stripped), not rejected: the predecessor (Django REST
 * framework) ignored them, and gateways already sending extra fields must keep working. Being
 * stripped, they are never stored and never change the payload fingerprint.
 * `null` for an optional field means "not given", as it did for the predecessor.
 */
export const acceptBodySchema = z
  .object({
    notification_type: z
      .literal('email', {
        error: (issue) => (issue.input === undefined ? 'is required' : 'must be "email"'),
      })
      .describe(
        'Required. Only `"email"`; another string is refused with 422 `UNSUPPORTED_NOTIFICATION_TYPE`, a missing one with 422 `VALIDATION_FAILED`.',
      ),
    user_id: userIdSchema.describe(
      `Who the notification is for (usually a UUID): not blank, at most ${MAX_USER_ID_LENGTH} characters, no control characters. Rate limits are charged to it.`,
    ),
    template_code: templateCodeSchema.describe(
      'The template to render: 1 to 128 lower-case letters, digits, `_`, `.` or `-`, starting with a letter or digit. Checked when the notification is sent: an unknown template ends it `failed` (`TEMPLATE_NOT_FOUND`), not a 4xx.',
    ),
    variables: z
      .looseObject({
        email: emailSchema.describe(
          `The recipient: a bare address (no display name), at most ${MAX_EMAIL_LENGTH} characters, at most 64 before the "@".`,
        ),
        subject: subjectSchema
          .nullish()
          .describe(
            `Overrides the template's subject. Literal text, never compiled as a template; not blank, no line breaks or control characters, at most ${MAX_SUBJECT_LENGTH} characters. \`null\` counts as not given.`,
          ),
      })
      .describe(
        `The template's variables; \`email\` is required. Any other keys are passed to the template (HTML-escaped in HTML bodies). Nests at most ${MAX_NESTING_DEPTH} levels.`,
      ),
    request_id: requestIdSchema
      .nullish()
      .describe(
        `The idempotency key (1 to ${MAX_REQUEST_ID_LENGTH} characters, no whitespace or control characters). Required here or as the \`Idempotency-Key\` header; both present and different → 422 at \`request_id\`. \`null\` counts as not given.`,
      ),
    priority: z
      .int({ error: PRIORITY_MESSAGE })
      .min(1, { error: PRIORITY_MESSAGE })
      .max(100, { error: PRIORITY_MESSAGE })
      .nullish()
      .meta({
        default: DEFAULT_PRIORITY,
        description: `1 to 100, higher is sooner. Default ${DEFAULT_PRIORITY}; \`null\` counts as not given.`,
      }),
    metadata: z
      .record(z.string(), z.unknown(), { error: 'must be an object' })
      .nullish()
      .meta({
        default: {},
        description: `Stored and echoed back (status, list, status callbacks). At most ${MAX_METADATA_BYTES / 1024} KiB as JSON, nests at most ${MAX_NESTING_DEPTH} levels. Default \`{}\`; \`null\` counts as not given.`,
      }),
  })
  .describe(
    'A notification to send. Unknown top-level fields are ignored (never stored, never part of the idempotency comparison).',
  );

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  object: 'an object',
  record: 'an object',
  boolean: 'true or false',
};

/** Used for zod's own messages (wrong type, missing): the field name is prefixed later. */
function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
  }
  return undefined;
}

/** Keys that make a variable's object impossible to render as text (Handlebars calls them). */
const UNRENDERABLE_KEYS: ReadonlyMap<string, string> = new Map([
  ['toString', 'is a reserved key name: a value holding it cannot be rendered as text'],
  ['valueOf', 'is a reserved key name: a value holding it cannot be rendered as text'],
]);

/** Depth and size limits, checked before the shape so they hold even when the shape is wrong too. */
function structuralProblems(body: Record<string, unknown>): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  for (const field of ['variables', 'metadata'] as const) {
    const value = body[field];
    if (typeof value !== 'object' || value === null) continue;
    if (nestingDepth(value) > MAX_NESTING_DEPTH) {
      problems.push({
        path: field,
        message: `${field} must not nest deeper than ${MAX_NESTING_DEPTH} levels`,
      });
      continue;
    }
    problems.push(
      ...storableJsonProblems(field, value, field === 'variables' ? { reservedKeys: UNRENDERABLE_KEYS } : {}),
    );
    if (field === 'metadata') {
      const bytes = jsonByteLength(value);
      if (bytes === undefined) problems.push({ path: field, message: 'metadata must be plain JSON' });
      else if (bytes > MAX_METADATA_BYTES) {
        problems.push({
          path: field,
          message: `metadata must be at most ${MAX_METADATA_BYTES / 1024} KiB as JSON (it is ${bytes} bytes)`,
        });
      }
    }
  }
  return problems;
}

function jsonByteLength(value: unknown): number | undefined {
  try {
    return Buffer.byteLength(JSON.stringify(value), 'utf8');
  } catch {
    return undefined; // a BigInt, say, from a programmatic caller
  }
}

/**
 * Resolves the idempotency key from the body and the `Idempotency-Key` header. An empty header
 * counts as absent, because Koa's `ctx.get()` answers '' for a header that was not sent.
 */
function resolveRequestId(
  body: Record<string, unknown>,
  header: unknown,
): { requestId?: string; problem?: string } {
  const fromBody = body.request_id;
  const bodyGiven = fromBody !== undefined && fromBody !== null;
  const headerGiven = header !== undefined && header !== '';
  if (headerGiven) {
    if (typeof header !== 'string')
      return { problem: 'request_id: the Idempotency-Key header must be sent once' };
    const problem = requestIdProblem(header);
    if (problem) return { problem: `request_id (from the Idempotency-Key header) ${problem}` };
  }
  if (bodyGiven && headerGiven && fromBody !== header) {
    return {
      problem: 'request_id differs from the Idempotency-Key header; send one, or the same value in both',
    };
  }
  if (!bodyGiven && !headerGiven) {
    return { problem: 'request_id is required (in the body or as the Idempotency-Key header)' };
  }
  return bodyGiven ? {} : { requestId: header as string };
}

/**
 * Validates a POST /api/v1/notifications body against every rule of the contract. Throws
 * NotifyError UNSUPPORTED_NOTIFICATION_TYPE for a notification type other than "email", otherwise
 * VALIDATION_FAILED with one `details` entry per bad field; never any other error.
 */
export function parseAcceptBody(body: unknown, idempotencyKey?: string): AcceptPayload {
  try {
    return parse(body, idempotencyKey);
  } catch (error) {
    if (NotifyError.is(error)) throw error;
    // A getter or a proxy from a programmatic caller may throw; it is still bad input.
    throw new NotifyError('VALIDATION_FAILED', 'Invalid request: the body could not be read', {
      cause: error,
    });
  }
}

function parse(body: unknown, idempotencyKey: string | undefined): AcceptPayload {
  if (!isPlainObject(body)) {
    throw new NotifyError('VALIDATION_FAILED', 'Invalid request: the body must be a JSON object');
  }
  const type = body.notification_type;
  if (typeof type === 'string' && type !== 'email') {
    throw new NotifyError(
      'UNSUPPORTED_NOTIFICATION_TYPE',
      `Notification type "${type.slice(0, 64)}" is not supported; this service sends "email"`,
      { details: [{ path: 'notification_type', message: 'notification_type must be "email"' }] },
    );
  }

  const details = structuralProblems(body);
  const result = acceptBodySchema.safeParse(body, { error: defaultMessage });
  if (!result.success) details.push(...issueDetails(result.error.issues));
  const { requestId, problem } = resolveRequestId(body, idempotencyKey);
  if (problem) details.push({ path: 'request_id', message: problem });

  if (details.length > 0 || !result.success) throw validationFailed(onePerField(details, FIELD_ORDER));
  const data = result.data;
  return {
    notification_type: 'email',
    user_id: data.user_id,
    template_code: data.template_code,
    variables: data.variables as AcceptPayload['variables'],
    request_id: data.request_id ?? (requestId as string),
    priority: data.priority ?? DEFAULT_PRIORITY,
    metadata: data.metadata ?? {},
  };
}
