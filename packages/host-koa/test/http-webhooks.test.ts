import { NotifyError, type WebhookUrlGuard } from '@notify/email-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, expectFailure, type JsonBody, startApi } from './http-harness.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const SECRET = /^whsec_[A-Za-z0-9+/]{32}$/;
const BASE = '/api/v1/webhooks';

/*
 * host-koa's tests may not import an adapter (.dependency-cruiser.cjs: only the service imports
 * adapters), so the SSRF guard is a fake that refuses as @notify/adapter-http's does: a forbidden
 * host is WEBHOOK_URL_FORBIDDEN with its detail at `url`.
 */
const FORBIDDEN_HOSTS = new Set(['127.0.0.1', '10.0.0.1', 'localhost']);
const guard: WebhookUrlGuard & { asked: string[] } = {
  asked: [],
  async check(url) {
    this.asked.push(url);
    const host = new URL(url).hostname;
    if (FORBIDDEN_HOSTS.has(host)) {
      const message = `url must not point at ${host} (loopback or private)`;
      throw new NotifyError('WEBHOOK_URL_FORBIDDEN', message, { details: [{ path: 'url', message }] });
    }
  },
};

const valid = { url: 'https://hooks.example.com/in', events: ['notification.delivered'] };

function sendJson(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** The `path` of each detail of a 422, in order. */
function detailPaths(body: JsonBody): string[] {
  return (body.error.details as Array<{ path: string }>).map((d) => d.path);
}

async function create(api: ApiHarness, body: unknown = valid, headers: Record<string, string> = {}) {
  const res = await api.call(`${BASE}/`, sendJson('POST', body, headers));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res;
}

describe('the webhook endpoint routes', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ urlGuard: guard });
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(() => {
    guard.asked.length = 0;
  });

  it('creates one: 201 with the secret and a Location; reads show the hint and never the secret', async () => {
    const res = await create(api, { ...valid, description: 'CRM' });
    expect(res.body.success).toBe(true);
    expect(res.body.error).toBeNull();
    expect(res.body.meta).toBeNull();
    expect(res.body.message).toBe('Webhook created');
    const created = res.body.data;
    expect(created).toMatchObject({
      url: valid.url,
      events: valid.events,
      description: 'CRM',
      enabled: true,
    });
    expect(created.id).toMatch(/^wh_/);
    expect(created.secret).toMatch(SECRET);
    expect(created.secret_hint).toBe(created.secret.slice(-4));
    expect(created.created_at).toMatch(ISO);
    expect(created.updated_at).toBe(created.created_at);
    expect(res.headers.get('location')).toBe(`${BASE}/${encodeURIComponent(created.id)}/`);
    expect(guard.asked).toEqual([valid.url]);

    const location = res.headers.get('location') ?? '';
    for (const path of [location, location.replace(/\/$/, '')]) {
      const read = await api.call(path);
      expect(read.status, path).toBe(200);
      expect(read.body.message).toBe('Webhook retrieved');
      expect(read.body.meta).toBeNull();
      const { secret, ...withoutSecret } = created;
      expect(read.body.data).toEqual(withoutSecret);
      expect(read.body.data).not.toHaveProperty('secret');
      expect(JSON.stringify(read.body)).not.toContain(secret);
    }
  });

  it('creates without the trailing slash too, a description defaulting to null and "*" for every type', async () => {
    const res = await api.call(
      BASE,
      sendJson('POST', { url: 'http://hooks.example.com/all', events: ['*'] }),
    );
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ events: ['*'], description: null, enabled: true });
  });

  it('updates with PATCH: only the fields sent change, a new url is checked again', async () => {
    const { id, secret_hint } = (await create(api)).body.data;
    guard.asked.length = 0;
    const disabled = await api.call(`${BASE}/${id}/`, sendJson('PATCH', { enabled: false }));
    expect(disabled.status).toBe(200);
    expect(disabled.body.message).toBe('Webhook updated');
    expect(disabled.body.data).toMatchObject({ id, enabled: false, url: valid.url, events: valid.events });
    expect(disabled.body.data).not.toHaveProperty('secret');
    expect(disabled.body.data.secret_hint).toBe(secret_hint);
    expect(guard.asked).toEqual([]);
    expect((await api.call(`${BASE}/${id}/`)).body.data.enabled).toBe(false);

    const moved = await api.call(
      `${BASE}/${id}`,
      sendJson('PATCH', {
        url: 'https://other.example.com/hook',
        events: ['notification.failed', 'notification.failed'],
        description: null,
        enabled: true,
      }),
    );
    expect(moved.status).toBe(200);
    expect(moved.body.data).toMatchObject({
      url: 'https://other.example.com/hook',
      events: ['notification.failed'],
      description: null,
      enabled: true,
    });
    expect(guard.asked).toEqual(['https://other.example.com/hook']);
  });

  it('answers 422 VALIDATION_FAILED at the bad field, on create and on update', async () => {
    const { id } = (await create(api)).body.data;
    const cases: Array<[string, unknown, string[]]> = [
      ['POST', { ...valid, events: [] }, ['events']],
      ['POST', { ...valid, events: ['notification.nope'] }, ['events.0']],
      ['POST', { ...valid, events: ['notification.delivered', 'nope'] }, ['events.1']],
      ['POST', { ...valid, secret: 'whsec_mine' }, ['secret']],
      ['POST', { ...valid, url: 'ftp://hooks.example.com/in' }, ['url']],
      ['POST', { events: ['*'] }, ['url']],
      ['POST', { url: valid.url }, ['events']],
      ['POST', { url: '', events: 'notification.delivered' }, ['url', 'events']],
      ['POST', { ...valid, description: 'd'.repeat(501) }, ['description']],
      ['POST', [valid], ['body']],
      ['POST', null, ['body']],
      ['PATCH', { enabled: 'no' }, ['enabled']],
      ['PATCH', { enabled: false, colour: 'red' }, ['colour']],
      ['PATCH', { events: [] }, ['events']],
      ['PATCH', { events: ['*', 'nope'] }, ['events.1']],
      ['PATCH', { url: 42 }, ['url']],
      ['PATCH', 'true', ['body']],
    ];
    for (const [method, body, paths] of cases) {
      const path = method === 'POST' ? `${BASE}/` : `${BASE}/${id}/`;
      const res = await api.call(path, sendJson(method, body));
      const label = `${method} ${JSON.stringify(body)}`;
      expect(res.status, label).toBe(422);
      expectFailure(res.body, 'VALIDATION_FAILED');
      expect(detailPaths(res.body), label).toEqual(paths);
    }
    // Nothing was checked or changed by a refused body.
    expect(guard.asked).toEqual([valid.url]);
    expect((await api.call(`${BASE}/${id}/`)).body.data).toMatchObject({ ...valid, enabled: true });
  });

  it('answers 422 WEBHOOK_URL_FORBIDDEN at url for a private or loopback host, on create and on update', async () => {
    for (const url of ['http://127.0.0.1/x', 'https://10.0.0.1:8443/hook']) {
      const res = await api.call(`${BASE}/`, sendJson('POST', { ...valid, url }));
      expect(res.status, url).toBe(422);
      expectFailure(res.body, 'WEBHOOK_URL_FORBIDDEN');
      expect(detailPaths(res.body)).toEqual(['url']);
    }
    const { id } = (await create(api)).body.data;
    const res = await api.call(`${BASE}/${id}/`, sendJson('PATCH', { url: 'http://127.0.0.1/x' }));
    expect(res.status).toBe(422);
    expectFailure(res.body, 'WEBHOOK_URL_FORBIDDEN');
    expect(detailPaths(res.body)).toEqual(['url']);
    expect((await api.call(`${BASE}/${id}/`)).body.data.url).toBe(valid.url);
  });

  it('rotates the secret: a new one, shown once, and the hint follows it', async () => {
    const created = (await create(api)).body.data;
    const secrets = [created.secret];
    for (const path of [`${BASE}/${created.id}/rotate-secret/`, `${BASE}/${created.id}/rotate-secret`]) {
      const res = await api.call(path, { method: 'POST' });
      expect(res.status, path).toBe(200);
      expect(res.body.message).toBe('Webhook secret rotated');
      expect(res.body.data).toMatchObject({ id: created.id, url: created.url, events: created.events });
      expect(res.body.data.secret).toMatch(SECRET);
      expect(secrets).not.toContain(res.body.data.secret);
      secrets.push(res.body.data.secret);
      expect(res.body.data.secret_hint).toBe(res.body.data.secret.slice(-4));
      const after = (await api.call(`${BASE}/${created.id}/`)).body.data;
      expect(after.secret_hint).toBe(res.body.data.secret_hint);
      expect(after).not.toHaveProperty('secret');
    }
  });

  it('deletes: 200 with data null, then the webhook is 404 everywhere', async () => {
    const { id } = (await create(api)).body.data;
    const res = await api.call(`${BASE}/${id}/`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Webhook deleted',
      data: null,
      error: null,
      meta: null,
    });
    const again = await api.call(`${BASE}/${id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expectFailure(again.body, 'NOT_FOUND');
    const read = await api.call(`${BASE}/${id}/`);
    expect(read.status).toBe(404);
    expectFailure(read.body, 'NOT_FOUND');
  });

  it('answers 404 NOT_FOUND for an unknown id on every route that takes one', async () => {
    const cases: Array<[string, string, RequestInit]> = [
      ['GET', `${BASE}/wh_unknown/`, {}],
      ['PATCH', `${BASE}/wh_unknown/`, sendJson('PATCH', { enabled: false })],
      ['DELETE', `${BASE}/wh_unknown`, { method: 'DELETE' }],
      ['POST', `${BASE}/wh_unknown/rotate-secret/`, { method: 'POST' }],
      ['GET', `${BASE}/${encodeURIComponent('a/b ü?#')}/`, {}],
      ['GET', `${BASE}/rotate-secret/`, {}],
    ];
    for (const [method, path, init] of cases) {
      const res = await api.call(path, init);
      expect(res.status, `${method} ${path}`).toBe(404);
      expectFailure(res.body, 'NOT_FOUND');
    }
  });

  it('reads the bodies as the accept route does: 400 MALFORMED_JSON, 415 not JSON, 413 too large', async () => {
    const { id } = (await create(api)).body.data;
    for (const [method, path] of [
      ['POST', `${BASE}/`],
      ['PATCH', `${BASE}/${id}/`],
    ] as const) {
      for (const raw of ['{"url":', '', 'not json']) {
        const res = await api.call(path, sendJson(method, raw));
        expect(res.status, `${method} ${JSON.stringify(raw)}`).toBe(400);
        expectFailure(res.body, 'MALFORMED_JSON');
      }
      const text = await api.call(path, {
        method,
        headers: { 'Content-Type': 'text/plain' },
        body: JSON.stringify(valid),
      });
      expect(text.status, method).toBe(415);
      expectFailure(text.body, 'UNSUPPORTED_MEDIA_TYPE');
      const huge = await api.call(path, sendJson(method, { ...valid, description: 'x'.repeat(300 * 1024) }));
      expect(huge.status, method).toBe(413);
      expectFailure(huge.body, 'PAYLOAD_TOO_LARGE');
    }
    // A merge-patch body is JSON too.
    const merge = await api.call(`${BASE}/${id}/`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ description: 'merged' }),
    });
    expect(merge.status).toBe(200);
    expect(merge.body.data.description).toBe('merged');
  });
});

describe('GET /api/v1/webhooks/', () => {
  let api: ApiHarness;
  const ids: string[] = [];
  beforeAll(async () => {
    api = await startApi({ urlGuard: guard });
    for (let i = 0; i < 3; i += 1) {
      ids.push((await create(api, { ...valid, description: `hook ${i}` })).body.data.id);
      // Distinct creation times, so "newest first" is observable.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists newest first with the page meta, with and without the slash, never with a secret', async () => {
    for (const path of [`${BASE}/`, BASE]) {
      const res = await api.call(path);
      expect(res.status, path).toBe(200);
      expect(res.body.success).toBe(true);
      expect(res.body.message).toBe('Retrieved 3 webhooks');
      expect(res.body.data.map((w: JsonBody) => w.id)).toEqual([ids[2], ids[1], ids[0]]);
      for (const item of res.body.data) expect(item).not.toHaveProperty('secret');
      expect(res.body.meta).toEqual({
        total: 3,
        limit: 20,
        page: 1,
        total_pages: 1,
        has_next: false,
        has_previous: false,
      });
    }
  });

  it('pages by limit and page; a page past the end is empty', async () => {
    const second = await api.call(`${BASE}/?limit=2&page=2`);
    expect(second.status).toBe(200);
    expect(second.body.message).toBe('Retrieved 1 webhook');
    expect(second.body.data.map((w: JsonBody) => w.id)).toEqual([ids[0]]);
    expect(second.body.meta).toEqual({
      total: 3,
      limit: 2,
      page: 2,
      total_pages: 2,
      has_next: false,
      has_previous: true,
    });
    const past = await api.call(`${BASE}/?page=9`);
    expect(past.status).toBe(200);
    expect(past.body.data).toEqual([]);
    expect(past.body.message).toBe('Retrieved 0 webhooks');
  });

  it('answers 422 VALIDATION_FAILED (never 500) at the bad parameter', async () => {
    const cases: Array<[string, string[]]> = [
      ['limit=0', ['limit']],
      ['limit=101', ['limit']],
      ['limit=abc', ['limit']],
      ['limit=1&limit=2', ['limit']],
      ['page=0', ['page']],
      ['page=x&limit=0', ['limit', 'page']],
    ];
    for (const [query, paths] of cases) {
      const res = await api.call(`${BASE}/?${query}`);
      expect(res.status, query).toBe(422);
      expectFailure(res.body, 'VALIDATION_FAILED');
      expect(detailPaths(res.body), query).toEqual(paths);
    }
  });
});

describe('the webhook routes and HTTP', () => {
  let api: ApiHarness;
  let doc: JsonBody;
  beforeAll(async () => {
    api = await startApi({ apiKeys: ['k-webhooks'], urlGuard: guard });
    doc = await (await fetch(`${api.baseUrl}/openapi.json`)).json();
  });
  afterAll(async () => {
    await api.close();
  });

  const auth = { Authorization: 'Bearer k-webhooks' };

  it('answers 405 METHOD_NOT_ALLOWED with an Allow header for other methods', async () => {
    const cases: Array<[string, string, string[]]> = [
      ['PUT', `${BASE}/wh_any/`, ['GET', 'PATCH', 'DELETE']],
      ['POST', `${BASE}/wh_any`, ['GET', 'PATCH', 'DELETE']],
      ['DELETE', `${BASE}/`, ['GET', 'POST']],
      ['PATCH', BASE, ['GET', 'POST']],
      ['GET', `${BASE}/wh_any/rotate-secret/`, ['POST']],
      ['PUT', `${BASE}/wh_any/rotate-secret`, ['POST']],
    ];
    for (const [method, path, allowed] of cases) {
      const res = await api.call(path, { method, headers: auth });
      expect(res.status, `${method} ${path}`).toBe(405);
      expectFailure(res.body, 'METHOD_NOT_ALLOWED');
      const allow = (res.headers.get('allow') ?? '').split(/,\s*/);
      for (const m of allowed) expect(allow, `${method} ${path}`).toContain(m);
      expect(allow).not.toContain(method);
    }
  });

  it('needs the Bearer key on every route, and echoes X-Request-ID', async () => {
    const created = await create(api, valid, auth);
    const { id } = created.body.data;
    const cases: Array<[string, RequestInit]> = [
      [`${BASE}/`, sendJson('POST', valid)],
      [`${BASE}/`, {}],
      [`${BASE}/${id}/`, {}],
      [`${BASE}/${id}/`, sendJson('PATCH', { enabled: false })],
      [`${BASE}/${id}/rotate-secret/`, { method: 'POST' }],
      [`${BASE}/${id}/`, { method: 'DELETE' }],
    ];
    for (const [path, init] of cases) {
      const label = `${init.method ?? 'GET'} ${path}`;
      const refused = await api.call(path, init);
      expect(refused.status, label).toBe(401);
      expectFailure(refused.body, 'UNAUTHORIZED');
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      const headers = { ...(init.headers as Record<string, string>), ...auth, 'X-Request-ID': 'wh-trace-1' };
      const res = await api.call(path, { ...init, headers });
      expect([200, 201], label).toContain(res.status);
      expect(res.headers.get('x-request-id')).toBe('wh-trace-1');
    }
  });

  it('answers as the OpenAPI document says', async () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: 'urn:notify:openapi', components: doc.components });
    const problems = (component: string, value: unknown): string[] => {
      const check = ajv.getSchema(`urn:notify:openapi#/components/schemas/${component}`);
      if (!check) throw new Error(`no component schema ${component}`);
      return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    };
    /** The real status is one the document lists for this operation. */
    const documented = (path: string, method: string, status: number): void => {
      expect(Object.keys(doc.paths[path][method].responses), `${method} ${path}`).toContain(String(status));
    };
    const createBody = doc.paths['/api/v1/webhooks/'].post.requestBody.content['application/json'].schema;
    expect(ajv.validate(createBody, valid)).toBe(true);

    const created = await create(api, valid, auth);
    documented('/api/v1/webhooks/', 'post', created.status);
    expect(problems('WebhookWithSecretEnvelope', created.body)).toEqual([]);
    const { id } = created.body.data;
    const one = `${BASE}/${id}/`;

    const read = await api.call(one, { headers: auth });
    documented('/api/v1/webhooks/{id}/', 'get', read.status);
    expect(problems('WebhookEnvelope', read.body)).toEqual([]);
    const list = await api.call(`${BASE}/?limit=1`, { headers: auth });
    documented('/api/v1/webhooks/', 'get', list.status);
    expect(problems('WebhookListEnvelope', list.body)).toEqual([]);
    const patched = await api.call(one, sendJson('PATCH', { enabled: false }, auth));
    documented('/api/v1/webhooks/{id}/', 'patch', patched.status);
    expect(problems('WebhookEnvelope', patched.body)).toEqual([]);
    const rotated = await api.call(`${one}rotate-secret/`, { method: 'POST', headers: auth });
    documented('/api/v1/webhooks/{id}/rotate-secret/', 'post', rotated.status);
    expect(problems('WebhookWithSecretEnvelope', rotated.body)).toEqual([]);
    // The documented reads are closed: a `secret` leaking into one would not match `Webhook`.
    expect(problems('Webhook', rotated.body.data)).not.toEqual([]);
    expect(problems('WebhookWithSecret', read.body.data)).not.toEqual([]);

    const failures: Array<[string, string, string, RequestInit]> = [
      ['/api/v1/webhooks/', 'post', `${BASE}/`, sendJson('POST', { ...valid, events: [] }, auth)],
      [
        '/api/v1/webhooks/',
        'post',
        `${BASE}/`,
        sendJson('POST', { ...valid, url: 'http://127.0.0.1/x' }, auth),
      ],
      ['/api/v1/webhooks/', 'post', `${BASE}/`, sendJson('POST', '{', auth)],
      ['/api/v1/webhooks/', 'get', `${BASE}/?limit=0`, { headers: auth }],
      ['/api/v1/webhooks/{id}/', 'patch', one, sendJson('PATCH', { enabled: 1 }, auth)],
      ['/api/v1/webhooks/{id}/', 'get', `${BASE}/wh_nope/`, { headers: auth }],
      [
        '/api/v1/webhooks/{id}/rotate-secret/',
        'post',
        `${BASE}/wh_nope/rotate-secret/`,
        { method: 'POST', headers: auth },
      ],
    ];
    for (const [template, method, path, init] of failures) {
      const res = await api.call(path, init);
      documented(template, method, res.status);
      expect(problems('ErrorEnvelope', res.body), `${method} ${path}`).toEqual([]);
    }

    const deleted = await api.call(one, { method: 'DELETE', headers: auth });
    documented('/api/v1/webhooks/{id}/', 'delete', deleted.status);
    expect(problems('WebhookDeletedEnvelope', deleted.body)).toEqual([]);
    const gone = await api.call(one, { method: 'DELETE', headers: auth });
    documented('/api/v1/webhooks/{id}/', 'delete', gone.status);
    expect(problems('ErrorEnvelope', gone.body)).toEqual([]);
  });
});

describe('the webhook routes on an engine without a URL guard', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 500 INTERNAL (CONFIG_INVALID, logged) where a URL must be checked, and serves the rest', async () => {
    const res = await api.call(`${BASE}/`, sendJson('POST', valid));
    expect(res.status).toBe(500);
    expectFailure(res.body, 'INTERNAL');
    expect(JSON.stringify(res.body)).not.toContain('WebhookUrlGuard');
    const logged = api.logs.find((line) => line.message === 'request failed');
    expect(JSON.stringify(logged)).toContain('CONFIG_INVALID');

    // Validation comes first: a bad body is still the client's 422.
    const invalid = await api.call(`${BASE}/`, sendJson('POST', { ...valid, events: [] }));
    expect(invalid.status).toBe(422);
    const list = await api.call(`${BASE}/`);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
  });
});
