import {
  acceptResultSchema,
  attemptViewSchema,
  bulkReplayResultSchema,
  DEFAULT_EVENT_LIMIT,
  DEFAULT_LIST_LIMIT,
  deadLetterDetailViewSchema,
  deadLetterViewSchema,
  EVENT_TYPES,
  eventPageMetaSchema,
  eventViewSchema,
  healthCheckSchema,
  healthReportSchema,
  MAX_EVENT_LIMIT,
  MAX_LIST_LIMIT,
  NOTIFICATION_STATUSES,
  notificationHistoryViewSchema,
  notificationStatusSchema,
  notificationViewSchema,
  pageMetaSchema,
  silentLogger,
  webhookViewSchema,
  webhookWithSecretViewSchema,
} from '@notify/email-core';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/index.js';
import { type ApiHarness, startApi } from './http-harness.js';

// biome-ignore lint/suspicious/noExplicitAny: the document is JSON, walked freely by the assertions
type Doc = any;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** `/api/v1/notifications/:request_id` and `/api/v1/notifications/{request_id}/` → one key. */
function routeKey(method: string, path: string): string {
  const normalised = path.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\/+$/, '');
  return `${method.toUpperCase()} ${normalised || '/'}`;
}

/** What the router really serves: read from the dispatch middleware @koa/router puts on the app. */
function routerRoutes(app: Koa): string[] {
  const dispatch = app.middleware.find((fn) => (fn as { router?: unknown }).router !== undefined) as
    | (Koa.Middleware & { router: { stack: Array<{ path: string; methods: string[] }> } })
    | undefined;
  if (!dispatch) throw new Error('no @koa/router dispatch middleware on the app');
  const keys: string[] = [];
  for (const layer of dispatch.router.stack) {
    // HEAD comes with every GET; OPTIONS and 405 are answered for every path by allowedMethods().
    for (const method of layer.methods.filter((m) => m !== 'HEAD')) keys.push(routeKey(method, layer.path));
  }
  return keys.sort();
}

function documentedRoutes(doc: Doc): string[] {
  const keys: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(item).filter((k) => METHODS.includes(k)))
      keys.push(routeKey(method, path));
  }
  return keys.sort();
}

/** Every `$ref` in the document, with where it was found. */
function refs(value: unknown, at = '#', found: Array<[string, string]> = []): Array<[string, string]> {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      refs(item, `${at}/${i}`, found);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') found.push([at, child]);
      else refs(child, `${at}/${key}`, found);
    }
  }
  return found;
}

function resolvePointer(doc: Doc, pointer: string): unknown {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: Doc, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

describe('GET /openapi.json', () => {
  let api: ApiHarness;
  let doc: Doc;
  let validate: (component: string, value: unknown) => string[];

  beforeAll(async () => {
    api = await startApi();
    const res = await fetch(`${api.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    doc = await res.json();
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: 'urn:notify:openapi', components: doc.components });
    validate = (component, value) => {
      const check = ajv.getSchema(`urn:notify:openapi#/components/schemas/${component}`);
      if (!check) throw new Error(`no component schema ${component}`);
      return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    };
  });
  afterAll(async () => {
    await api.close();
  });

  it('is a valid OpenAPI 3.1 document whose every $ref resolves', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const dangling = refs(doc).filter(([, target]) => resolvePointer(doc, target) === undefined);
    expect(dangling).toEqual([]);
  });

  it('documents exactly the routes the router has, each with at least one response', () => {
    // An app of its own: the harness does not hand out the Koa instance it serves.
    const app = createApp({ engine: api.engine, logger: silentLogger });
    const served = routerRoutes(app);
    expect(served.length).toBeGreaterThanOrEqual(7);
    expect(documentedRoutes(doc)).toEqual(served);
    for (const item of Object.values(doc.paths as Record<string, Record<string, Doc>>)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        expect(Object.keys(operation.responses ?? {}).length, operation.operationId).toBeGreaterThan(0);
      }
    }
  });

  it('carries the request schema generated from zod, with the contract limits', () => {
    const body = doc.components.schemas.AcceptRequest;
    expect(body.required).toEqual(['notification_type', 'user_id', 'template_code', 'variables']);
    expect(body.properties.template_code.pattern).toBe('^[a-z0-9][a-z0-9_.-]{0,127}$');
    expect(body.properties.user_id.maxLength).toBe(128);
    expect(body.properties.variables.required).toEqual(['email']);
  });

  it('shows the core’s views and inputs, fields and prose included', () => {
    const views: Array<[string, { shape: object }]> = [
      ['Notification', notificationViewSchema],
      ['PageMeta', pageMetaSchema],
      ['HealthCheck', healthCheckSchema],
      ['HealthReport', healthReportSchema],
      ['AttemptEntry', attemptViewSchema],
      ['DeadLetter', deadLetterViewSchema],
      ['DeadLetterDetail', deadLetterDetailViewSchema],
      ['ReplayedNotification', notificationHistoryViewSchema],
      ['BulkReplayResult', bulkReplayResultSchema],
      ['Event', eventViewSchema],
      ['EventPageMeta', eventPageMetaSchema],
      ['Webhook', webhookViewSchema],
      ['WebhookWithSecret', webhookWithSecretViewSchema],
    ];
    for (const [name, view] of views) {
      const properties = Object.keys(doc.components.schemas[name].properties).sort();
      expect(properties, name).toEqual(Object.keys(view.shape).sort());
    }
    // `replayed` is the Idempotent-Replayed header, not a body field.
    const accepted = Object.keys(doc.components.schemas.AcceptResult.properties);
    expect(accepted.sort()).toEqual(
      Object.keys(acceptResultSchema.shape)
        .filter((k) => k !== 'replayed')
        .sort(),
    );
    const status = doc.components.schemas.NotificationStatus;
    expect(status.enum).toEqual([...NOTIFICATION_STATUSES]);
    expect(status.description).toBe(notificationStatusSchema.description);
    expect(doc.components.schemas.DeadLetter.description).toBe(deadLetterViewSchema.description);
    expect(doc.components.schemas.Webhook.description).toBe(webhookViewSchema.description);
    // Only the answers of create and rotate may carry the secret.
    expect(doc.components.schemas.Webhook.properties).not.toHaveProperty('secret');
    expect(doc.components.schemas.WebhookWithSecret.required).toContain('secret');

    const limit = doc.paths['/api/v1/notifications/list/'].get.parameters.find(
      (p: { name: string }) => p.name === 'limit',
    );
    expect(limit.schema).toMatchObject({
      type: 'integer',
      maximum: MAX_LIST_LIMIT,
      default: DEFAULT_LIST_LIMIT,
    });
    expect(limit.description).toBe(limit.schema.description);

    expect(doc.components.schemas.EventType.enum).toEqual([...EVENT_TYPES]);
    expect(doc.components.schemas.Event.description).toBe(eventViewSchema.description);
    const eventLimit = doc.paths['/api/v1/events/'].get.parameters.find(
      (p: { name: string }) => p.name === 'limit',
    );
    expect(eventLimit.schema).toMatchObject({
      type: 'integer',
      maximum: MAX_EVENT_LIMIT,
      default: DEFAULT_EVENT_LIMIT,
    });
  });

  it('has an example body that the real API accepts with 202, answered as documented', async () => {
    const example = doc.paths['/api/v1/notifications/'].post.requestBody.content['application/json'].example;
    expect(validate('AcceptRequest', example)).toEqual([]);
    const res = await api.post(example);
    expect(res.status).toBe(202);
    expect(validate('AcceptedEnvelope', res.body)).toEqual([]);
    expect(Object.keys(doc.paths['/api/v1/notifications/'].post.responses)).toContain('202');
  });

  it('describes the real answers of the read, health and error routes', async () => {
    const example = doc.paths['/api/v1/notifications/'].post.requestBody.content['application/json'].example;
    await api.post(example);
    const status = await api.call(`/api/v1/notifications/${example.request_id}/`);
    expect(status.status).toBe(200);
    expect(validate('NotificationEnvelope', status.body)).toEqual([]);

    const list = await api.call('/api/v1/notifications/list/?status=pending&limit=5');
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeGreaterThan(0);
    expect(validate('NotificationListEnvelope', list.body)).toEqual([]);

    const health = await api.call('/health/');
    expect(health.status).toBe(200);
    expect(validate('HealthEnvelope', health.body)).toEqual([]);
    const live = await api.call('/health/live');
    expect(validate('LivenessEnvelope', live.body)).toEqual([]);

    const missing = await api.call('/api/v1/notifications/no-such-id/');
    expect(missing.status).toBe(404);
    expect(validate('ErrorEnvelope', missing.body)).toEqual([]);
    const invalid = await api.post({ notification_type: 'email', variables: { email: 'nope' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details.length).toBeGreaterThan(1);
    expect(validate('ErrorEnvelope', invalid.body)).toEqual([]);
    const notFailed = await api.call(`/api/v1/notifications/${example.request_id}/retry/`, {
      method: 'POST',
    });
    expect(notFailed.status).toBe(409);
    expect(validate('ErrorEnvelope', notFailed.body)).toEqual([]);
  });

  it('lists each status code the routes answer with', () => {
    const codes = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).sort();
    expect(codes('/api/v1/notifications/', 'post')).toEqual(
      ['202', '400', '401', '413', '415', '422', '429', '500', '503'].sort(),
    );
    expect(codes('/api/v1/notifications/{request_id}/retry/', 'post')).toEqual(
      ['202', '401', '404', '409', '500', '503'].sort(),
    );
    expect(codes('/api/v1/notifications/{request_id}/events/', 'get')).toEqual(
      ['200', '401', '404', '500', '503'].sort(),
    );
    expect(codes('/api/v1/events/', 'get')).toEqual(['200', '401', '422', '500', '503'].sort());
    const withBody = ['400', '401', '413', '415', '422', '500', '503'];
    expect(codes('/api/v1/webhooks/', 'post')).toEqual(['201', ...withBody].sort());
    expect(codes('/api/v1/webhooks/', 'get')).toEqual(['200', '401', '422', '500', '503'].sort());
    expect(codes('/api/v1/webhooks/{id}/', 'patch')).toEqual(['200', '404', ...withBody].sort());
    for (const [path, method] of [
      ['/api/v1/webhooks/{id}/', 'get'],
      ['/api/v1/webhooks/{id}/', 'delete'],
      ['/api/v1/webhooks/{id}/rotate-secret/', 'post'],
    ]) {
      expect(codes(path, method), `${method} ${path}`).toEqual(['200', '401', '404', '500', '503'].sort());
    }
    expect(codes('/health/', 'get')).toEqual(['200', '503']);
  });
});
