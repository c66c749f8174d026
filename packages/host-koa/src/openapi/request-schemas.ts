import {
  DEFAULT_LIST_LIMIT,
  DEFAULT_PRIORITY,
  MAX_EMAIL_LENGTH,
  MAX_LIST_LIMIT,
  MAX_LIST_PAGE,
  MAX_METADATA_BYTES,
  MAX_NESTING_DEPTH,
  MAX_REQUEST_ID_LENGTH,
  MAX_SUBJECT_LENGTH,
  MAX_USER_ID_LENGTH,
  NOTIFICATION_STATUSES,
  TEMPLATE_CODE_PATTERN,
} from '@notify/email-core';
import { z } from 'zod';

/*
 * The request side of the contract as zod schemas, turned into JSON Schema for /openapi.json.
 *
 * The core validates with its own zod schema (packages/core/src/validation/accept-schema.ts), but
 * that one is private and its rules are refinements (functions), which JSON Schema cannot carry.
 * So this file restates the rules declaratively from the limits the core exports; the openapi
 * tests run the same bodies through this schema and through the core's `parseAcceptBody`, so a
 * rule changed on one side and not the other fails a test.
 */

/** ECMA-262 class of the C0/C1 control characters, the `\p{Cc}` the core refuses. */
const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f';
/** At least one non-whitespace character, no control characters. */
const NOT_BLANK_NO_CONTROL = `^(?=[\\s\\S]*\\S)[^${CONTROL}]*$`;
/** Like the above, but a tab is allowed (it may appear in a header value). */
const HEADER_TEXT = `^(?=[\\s\\S]*\\S)[^\\u0000-\\u0008\\u000a-\\u001f\\u007f-\\u009f]*$`;

export const requestIdSchema = z
  .string()
  .min(1)
  .max(MAX_REQUEST_ID_LENGTH)
  .regex(new RegExp(`^[^\\s${CONTROL}]+$`))
  .describe(
    `The idempotency key: 1 to ${MAX_REQUEST_ID_LENGTH} characters, no whitespace or control characters.`,
  );

export const acceptRequestSchema = z
  .object({
    notification_type: z
      .literal('email')
      .describe(
        'Required. Only `"email"`; another string is refused with 422 `UNSUPPORTED_NOTIFICATION_TYPE`, a missing one with 422 `VALIDATION_FAILED`.',
      ),
    user_id: z
      .string()
      .min(1)
      .max(MAX_USER_ID_LENGTH)
      .regex(new RegExp(NOT_BLANK_NO_CONTROL))
      .describe(
        `Who the notification is for (usually a UUID): not blank, at most ${MAX_USER_ID_LENGTH} characters, no control characters. Rate limits are charged to it.`,
      ),
    template_code: z
      .string()
      .regex(TEMPLATE_CODE_PATTERN)
      .describe(
        'The template to render: 1 to 128 lower-case letters, digits, `_`, `.` or `-`, starting with a letter or digit. Checked when the notification is sent: an unknown template ends it `failed` (`TEMPLATE_NOT_FOUND`), not a 4xx.',
      ),
    variables: z
      .looseObject({
        email: z
          .email()
          .max(MAX_EMAIL_LENGTH)
          .describe(
            `The recipient: a bare address (no display name), at most ${MAX_EMAIL_LENGTH} characters, at most 64 before the "@".`,
          ),
        subject: z
          .string()
          .min(1)
          .max(MAX_SUBJECT_LENGTH)
          .regex(new RegExp(HEADER_TEXT))
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
      .int()
      .min(1)
      .max(100)
      .default(DEFAULT_PRIORITY)
      .nullish()
      .describe(`1 to 100, higher is sooner. Default ${DEFAULT_PRIORITY}; \`null\` counts as not given.`),
    metadata: z
      .record(z.string(), z.unknown())
      .nullish()
      .describe(
        `Stored and echoed back (status, list, status callbacks). At most ${MAX_METADATA_BYTES / 1024} KiB as JSON, nests at most ${MAX_NESTING_DEPTH} levels. Default \`{}\`; \`null\` counts as not given.`,
      ),
  })
  .describe(
    'A notification to send. Unknown top-level fields are ignored (never stored, never part of the idempotency comparison).',
  );

/** The body clients of the predecessor send (the curl of README.md's quick start), and the one the tests post. */
export const acceptRequestExample = {
  notification_type: 'email',
  user_id: '550e8400-e29b-41d4-a716-446655440000',
  template_code: 'welcome_email',
  variables: {
    name: 'John Doe',
    email: 'john@example.com',
    link: 'https://example.com/verify',
    subject: 'Welcome to Our Platform',
  },
  request_id: 'req-12345-67890',
  priority: 10,
  metadata: {},
} as const;

const statusList = [...NOTIFICATION_STATUSES, 'pending'];

/** The list route's query parameters (all optional; an empty value counts as absent). */
export const listQueryParameters = {
  user_id: z.string().max(MAX_USER_ID_LENGTH).describe('Only this user’s notifications.'),
  status: z
    .string()
    .regex(new RegExp(`^(?:${statusList.join('|')})(?:,(?:${statusList.join('|')}))*$`))
    .describe(
      'One status or several separated by commas (`queued,failed`). `pending` means `queued` or `retrying` (the predecessor’s word).',
    ),
  template_code: z.string().regex(TEMPLATE_CODE_PATTERN).describe('Only this template.'),
  limit: z
    .int()
    .min(1)
    .max(MAX_LIST_LIMIT)
    .default(DEFAULT_LIST_LIMIT)
    .describe(`Items per page, 1 to ${MAX_LIST_LIMIT}.`),
  page: z
    .int()
    .min(1)
    .max(MAX_LIST_PAGE)
    .default(1)
    .describe('1-based page; a page past the end is an empty array, not an error.'),
} as const;
