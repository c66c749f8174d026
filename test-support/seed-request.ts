/**
 * The request clients of the predecessor send: the seed README's Quick Start step 7 body. The
 * OpenAPI example in host-koa (`acceptRequestExample`) is the same body; it stays a copy there,
 * because package sources never import test-support.
 */

/** The body as the seed README prints it, byte for byte (what a reader pastes into curl). */
export const SEED_REQUEST_TEXT = `{
       "notification_type": "email",
       "user_id": "550e8400-e29b-41d4-a716-446655440000",
       "template_code": "welcome_email",
       "variables": {
         "name": "John Doe",
         "email": "john@example.com",
         "link": "https://example.com/verify",
         "subject": "Welcome to Our Platform"
       },
       "request_id": "req-12345-67890",
       "priority": 10,
       "metadata": {}
     }`;

/** A type alias, not an interface, so it is assignable to `Record<string, unknown>`. */
export type SeedRequest = {
  notification_type: 'email';
  user_id: string;
  template_code: 'welcome_email';
  variables: { name: string; email: string; link: string; subject: string };
  request_id: string;
  priority: number;
  metadata: Record<string, never>;
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The same body, parsed; frozen, so a test that needs to change it starts from `structuredClone`. */
export const SEED_REQUEST: Readonly<SeedRequest> = deepFreeze(JSON.parse(SEED_REQUEST_TEXT) as SeedRequest);
