import {
  NotifyError,
  parseBulkReplay,
  parseCreateWebhook,
  parseDeadLetterQuery,
  parseEventQuery,
  parseListQuery,
  parseUpdateWebhook,
} from '@notify/email-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { createOpenApiDocument } from '../src/openapi/index.js';

/*
 * The list query, the dead-letter query, the event query, the bulk replay body and the webhook
 * bodies are documented from the core's schemas (packages/core/src/validation/list-query.ts,
 * packages/core/src/application/dead-letter-query.ts, packages/core/src/validation/event-query.ts,
 * packages/core/src/validation/webhook-schema.ts), whose
 * rules are refinements with the same rules declared beside them as JSON-Schema facts. Each case
 * must get the same verdict from the document and from the core's parser.
 *
 * Left out by design: an empty query value counts as absent for the core (a client following the
 * document never sends one), `null` in the bulk body counts as not given, and a tool that coerces
 * query strings may read `1e2` as 100 where the core reads decimal digits only. `since` is a
 * `date-time` format, which these validators do not check, and whether a cursor is one the API
 * handed out only the event log can say: for both only what the schema states is compared here.
 * A webhook `url` must be http(s) for the core, a refinement the core declares no JSON-Schema fact
 * for (yet), so the document says it in the description only and no other scheme is compared.
 */

// biome-ignore lint/suspicious/noExplicitAny: the document is JSON, walked freely
type Doc = any;

const doc = createOpenApiDocument('test') as Doc;
// A query value is a string; coerceTypes reads "5" as the documented integer, as OpenAPI tools do.
const queryAjv = new Ajv2020({ strict: false, validateFormats: false, coerceTypes: true });
const bodyAjv = new Ajv2020({ strict: false, validateFormats: false });

function documentedParameter(path: string, name: string): (value: string) => boolean {
  const parameter = (doc.paths[path].get.parameters as Doc[]).find((p) => p.name === name);
  if (!parameter) throw new Error(`${path} documents no parameter ${name}`);
  // Inside an object: Ajv coerces a value only where it can put the result back.
  const validate = queryAjv.compile({ type: 'object', properties: { [name]: parameter.schema } });
  return (value) => validate({ [name]: value });
}

function coreAccepts(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch (error) {
    if (!NotifyError.is(error)) throw error;
    return false;
  }
}

const sharedCases: Array<[string, string, boolean]> = [
  ['user_id', 'alice', true],
  ['user_id', '   ', false],
  ['user_id', 'u'.repeat(128), true],
  ['user_id', 'u'.repeat(129), false],
  ['user_id', '😀'.repeat(128), true],
  ['user_id', 'a\u0007b', false],
  ['template_code', 'welcome_email', true],
  ['template_code', 'orders.shipped-v2', true],
  ['template_code', 'Welcome', false],
  ['template_code', '../x', false],
  ['limit', '1', true],
  ['limit', '100', true],
  ['limit', '0', false],
  ['limit', '101', false],
  ['limit', '2.5', false],
  ['limit', 'ten', false],
  ['page', '1', true],
  ['page', '1000000', true],
  ['page', '1000001', false],
  ['page', '0', false],
];

const queries: Array<{
  path: string;
  parse: (query: Record<string, string>) => unknown;
  cases: typeof sharedCases;
}> = [
  {
    path: '/api/v1/notifications/list/',
    parse: parseListQuery,
    cases: [
      ...sharedCases,
      ['status', 'queued', true],
      ['status', 'pending,failed', true],
      ['status', 'sent', false],
      ['status', 'DELIVERED', false],
      ['status', 'delivered,', false],
    ],
  },
  {
    path: '/api/v1/dead-letters/',
    parse: parseDeadLetterQuery,
    cases: [
      ...sharedCases,
      ['error_code', 'SMTP_PERMANENT', true],
      ['error_code', 'A'.repeat(64), true],
      ['error_code', 'A'.repeat(65), false],
      ['error_code', 'smtp_permanent', false],
      ['error_code', '_SMTP', false],
    ],
  },
  {
    path: '/api/v1/events/',
    parse: parseEventQuery,
    cases: [
      ['type', 'notification.accepted', true],
      ['type', 'notification.delivered,notification.failed', true],
      ['type', 'suppression.created', true],
      ['type', 'nope', false],
      ['type', 'notification.accepted,', false],
      ['type', 'Notification.Accepted', false],
      ['type', 'notification.accepted,,notification.failed', false],
      ['since', '2026-12-04T10:00:00Z', true],
      ['since', '2026-12-04T10:00:00.123+02:00', true],
      ['cursor', 'c'.repeat(200), true],
      ['cursor', 'c'.repeat(201), false],
      ['limit', '1', true],
      ['limit', '1000', true],
      ['limit', '0', false],
      ['limit', '1001', false],
      ['limit', '2.5', false],
      ['limit', 'ten', false],
    ],
  },
  {
    path: '/api/v1/webhooks/',
    // The webhook list reads `limit` and `page` only, with the notification list's rules.
    parse: (query) => parseListQuery({ limit: query.limit, page: query.page }),
    cases: sharedCases.filter(([name]) => name === 'limit' || name === 'page'),
  },
];

for (const { path, parse, cases } of queries) {
  describe(`the documented query of GET ${path} and the core agree`, () => {
    for (const [name, value, expected] of cases) {
      it(`${name}=${value.slice(0, 24)}: ${expected ? 'accepted' : 'refused'} by both`, () => {
        expect(coreAccepts(() => parse({ [name]: value }))).toBe(expected);
        expect(documentedParameter(path, name)(value)).toBe(expected);
      });
    }
  });
}

describe('the documented bulk replay body and the core agree', () => {
  const schema =
    doc.paths['/api/v1/dead-letters/replay/'].post.requestBody.content['application/json'].schema;
  const documented = bodyAjv.compile(schema);
  const cases: Array<[string, unknown, boolean]> = [
    ['an empty body', {}, true],
    [
      'every filter',
      { filter: { user_id: 'alice', template_code: 'welcome', error_code: 'SMTP_PERMANENT' }, limit: 10 },
      true,
    ],
    ['limit 1', { limit: 1 }, true],
    ['limit 1000', { limit: 1000 }, true],
    ['limit 0', { limit: 0 }, false],
    ['limit 1001', { limit: 1001 }, false],
    ['limit 1.5', { limit: 1.5 }, false],
    ['limit "5"', { limit: '5' }, false],
    ['an unknown field', { filters: {} }, false],
    ['a misspelt filter', { filter: { userId: 'alice' } }, false],
    ['filter an array', { filter: [] }, false],
    ['filter a string', { filter: 'alice' }, false],
    ['filter.user_id blank', { filter: { user_id: '  ' } }, false],
    ['filter.user_id 129 characters', { filter: { user_id: 'u'.repeat(129) } }, false],
    ['filter.user_id a number', { filter: { user_id: 5 } }, false],
    ['filter.template_code upper case', { filter: { template_code: 'Bad Code' } }, false],
    ['filter.error_code lower case', { filter: { error_code: 'smtp' } }, false],
  ];
  for (const [name, body, expected] of cases) {
    it(`${name}: ${expected ? 'accepted' : 'refused'} by both`, () => {
      expect(coreAccepts(() => parseBulkReplay(body))).toBe(expected);
      expect(documented(body)).toBe(expected);
    });
  }
});

describe('the documented webhook bodies and the core agree', () => {
  const schemaOf = (path: string, method: string) =>
    doc.paths[path][method].requestBody.content['application/json'].schema;
  const documentedCreate = bodyAjv.compile(schemaOf('/api/v1/webhooks/', 'post'));
  const documentedUpdate = bodyAjv.compile(schemaOf('/api/v1/webhooks/{id}/', 'patch'));
  const url = 'https://hooks.example.com/in';
  const events = ['notification.delivered'];
  // Both bodies share the rules of each field; an update may leave any of them out.
  const fieldCases: Array<[string, Record<string, unknown>, boolean]> = [
    ['an http url', { url: 'http://hooks.example.com/in' }, true],
    ['a url of 2048 characters', { url: `https://h.example/${'p'.repeat(2048 - 18)}` }, true],
    ['a url of 2049 characters', { url: `https://h.example/${'p'.repeat(2049 - 18)}` }, false],
    ['an empty url', { url: '' }, false],
    ['a url number', { url: 42 }, false],
    ['events "*"', { events: ['*'] }, true],
    ['several events, one twice', { events: ['notification.failed', 'notification.failed'] }, true],
    ['events empty', { events: [] }, false],
    ['an unknown event type', { events: ['notification.nope'] }, false],
    ['an event type in capitals', { events: ['Notification.Delivered'] }, false],
    ['events a string', { events: 'notification.delivered' }, false],
    ['16 events', { events: Array(16).fill('*') }, false],
    ['description null', { description: null }, true],
    ['description of 500 characters', { description: 'd'.repeat(500) }, true],
    ['description of 501 characters', { description: 'd'.repeat(501) }, false],
    ['description a number', { description: 5 }, false],
    ['an unknown field', { secret: 'whsec_mine' }, false],
  ];
  const createCases: Array<[string, unknown, boolean]> = [
    ['url and events', { url, events }, true],
    ['no url', { events }, false],
    ['no events', { url }, false],
    ['enabled on create', { url, events, enabled: false }, false],
    ['an array', [{ url, events }], false],
    ['null', null, false],
    ...fieldCases.map(([name, fields, expected]): [string, unknown, boolean] => [
      name,
      { url, events, ...fields },
      expected,
    ]),
  ];
  const updateCases: Array<[string, unknown, boolean]> = [
    ['nothing', {}, true],
    ['enabled false', { enabled: false }, true],
    ['enabled "no"', { enabled: 'no' }, false],
    ['a string', 'true', false],
    ...fieldCases,
  ];
  for (const [name, body, expected] of createCases) {
    it(`create, ${name}: ${expected ? 'accepted' : 'refused'} by both`, () => {
      expect(coreAccepts(() => parseCreateWebhook(body))).toBe(expected);
      expect(documentedCreate(body)).toBe(expected);
    });
  }
  for (const [name, body, expected] of updateCases) {
    it(`update, ${name}: ${expected ? 'accepted' : 'refused'} by both`, () => {
      expect(coreAccepts(() => parseUpdateWebhook(body))).toBe(expected);
      expect(documentedUpdate(body)).toBe(expected);
    });
  }
});
