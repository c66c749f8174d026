import { randomBytes } from 'node:crypto';

/** The accept route, as the predecessor's clients call it. */
export const ACCEPT_PATH = '/api/v1/notifications/';

/**
 * A run-unique prefix, so that no two requests of any run (or of two runs against the same
 * database) share a request_id: a shared one would be an idempotent replay, which costs a read
 * instead of a commit and would flatter the figures.
 */
const runPrefix = `bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
let sequence = 0;

/** The request body of the predecessor's README (the curl of README.md's quick start), with a fresh request_id. */
export function acceptBody(): string {
  sequence += 1;
  return JSON.stringify({
    notification_type: 'email',
    user_id: '550e8400-e29b-41d4-a716-446655440000',
    template_code: 'welcome_email',
    variables: {
      name: 'John Doe',
      email: 'john@example.com',
      link: 'https://example.com/verify',
      subject: 'Welcome to Our Platform',
    },
    request_id: `${runPrefix}-${sequence}`,
    priority: 10,
    metadata: {},
  });
}

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;
