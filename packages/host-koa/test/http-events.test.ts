import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, expectFailure, type JsonBody, startApi, validBody } from './http-harness.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Accepts a notification over HTTP, then lets the real engine deliver it, as a worker would. */
async function delivered(api: ApiHarness, overrides: Record<string, unknown> = {}): Promise<string> {
  const body = validBody(overrides);
  expect((await api.post(body)).status).toBe(202);
  const requestId = body.request_id as string;
  const record = await api.store.getByRequestId(requestId);
  const outcome = await api.runtime.processNotification({
    requestId,
    taskId: record?.id ?? '',
    priority: 10,
    correlationId: 'corr-events',
  });
  expect(outcome).toBe('delivered');
  return requestId;
}

/** The `path` of each detail of a 422, in order. */
function detailPaths(body: JsonBody): string[] {
  return (body.error.details as Array<{ path: string }>).map((d) => d.path);
}

describe('GET /api/v1/notifications/{request_id}/events/', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('shows the timeline of a delivered notification oldest first, with and without the trailing slash', async () => {
    const requestId = await delivered(api);
    for (const path of [
      `/api/v1/notifications/${requestId}/events/`,
      `/api/v1/notifications/${requestId}/events`,
    ]) {
      const res = await api.call(path);
      expect(res.status, path).toBe(200);
      expect(res.body.success).toBe(true);
      expect(res.body.error).toBeNull();
      expect(res.body.meta).toBeNull();
      expect(res.body.message).toBe('Retrieved 2 events');
      const events = res.body.data as JsonBody[];
      expect(events.map((e) => e.type)).toEqual(['notification.accepted', 'notification.delivered']);
      for (const event of events) {
        expect(event.id).toMatch(/^evt_/);
        expect(event.created_at).toMatch(ISO);
        expect(event.data.request_id).toBe(requestId);
      }
      expect(events[0].data.status).toBe('queued');
      expect(events[1].data.status).toBe('delivered');
      expect(events[0].id).not.toBe(events[1].id);
      expect(events[0].created_at <= events[1].created_at).toBe(true);
    }
  });

  it('shows a just-accepted notification with its one accepted event', async () => {
    const body = validBody();
    await api.post(body);
    const res = await api.call(`/api/v1/notifications/${body.request_id}/events/`);
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('Retrieved 1 event');
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({
      type: 'notification.accepted',
      data: { request_id: body.request_id, status: 'queued' },
    });
  });

  it('finds ids holding URL-encoded characters, and ids that name other routes', async () => {
    const odd = `order/42:ü ${Date.now()}?#%`.replace(/\s/g, '_');
    for (const requestId of [odd, 'list', 'events', `${Date.now()}-events`]) {
      await api.post(validBody({ request_id: requestId }));
      const res = await api.call(`/api/v1/notifications/${encodeURIComponent(requestId)}/events/`);
      expect(res.status, requestId).toBe(200);
      expect(
        res.body.data.map((e: JsonBody) => e.data.request_id),
        requestId,
      ).toEqual([requestId]);
    }
    // The routes beside it are unchanged: `events` is an id there, `list` still lists.
    const byId = await api.call('/api/v1/notifications/events/');
    expect(byId.status).toBe(200);
    expect(byId.body.data.request_id).toBe('events');
    const list = await api.call('/api/v1/notifications/list/');
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body.data)).toBe(true);
    expect(list.body.meta.total).toBeGreaterThan(0);
  });

  it('answers 404 NOT_FOUND for an unknown id', async () => {
    for (const path of [
      '/api/v1/notifications/does-not-exist/events/',
      '/api/v1/notifications/nope/events',
    ]) {
      const res = await api.call(path);
      expect(res.status, path).toBe(404);
      expectFailure(res.body, 'NOT_FOUND');
    }
  });

  it('answers 503 UNAVAILABLE with Retry-After while the store is down', async () => {
    api.store.setAvailable(false);
    try {
      for (const path of ['/api/v1/notifications/any-id/events/', '/api/v1/events/']) {
        const res = await api.call(path);
        expect(res.status, path).toBe(503);
        expectFailure(res.body, 'UNAVAILABLE');
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      }
    } finally {
      api.store.setAvailable(true);
    }
  });
});

describe('GET /api/v1/events/', () => {
  let api: ApiHarness;
  let first: string;
  let second: string;
  beforeAll(async () => {
    api = await startApi();
    first = await delivered(api);
    const body = validBody();
    await api.post(body);
    second = body.request_id as string;
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists every event oldest first, with the cursor meta, on both paths', async () => {
    for (const path of ['/api/v1/events/', '/api/v1/events']) {
      const res = await api.call(path);
      expect(res.status, path).toBe(200);
      expect(res.body.success).toBe(true);
      expect(res.body.message).toBe('Retrieved 3 events');
      expect(res.body.data.map((e: JsonBody) => [e.type, e.data.request_id])).toEqual([
        ['notification.accepted', first],
        ['notification.delivered', first],
        ['notification.accepted', second],
      ]);
      expect(res.body.meta).toEqual({ next_cursor: expect.any(String), has_more: false, limit: 100 });
    }
  });

  it('pages by cursor: limit=1 twice gives the first two events in order', async () => {
    const page1 = await api.call('/api/v1/events/?limit=1');
    expect(page1.status).toBe(200);
    expect(page1.body.message).toBe('Retrieved 1 event');
    expect(page1.body.data).toHaveLength(1);
    expect(page1.body.meta).toMatchObject({ has_more: true, limit: 1 });
    const cursor = page1.body.meta.next_cursor as string;
    expect(typeof cursor).toBe('string');

    const page2 = await api.call(`/api/v1/events/?limit=1&cursor=${encodeURIComponent(cursor)}`);
    expect(page2.status).toBe(200);
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.meta).toMatchObject({ has_more: true, limit: 1 });
    expect(page2.body.meta.next_cursor).not.toBe(cursor);
    expect(page2.body.data[0].id).not.toBe(page1.body.data[0].id);
    expect([page1.body.data[0].type, page2.body.data[0].type]).toEqual([
      'notification.accepted',
      'notification.delivered',
    ]);
    expect(page2.body.data[0].data.request_id).toBe(first);

    // The rest, then nothing more: the cursor stays where it was.
    const rest = await api.call(`/api/v1/events/?cursor=${encodeURIComponent(page2.body.meta.next_cursor)}`);
    expect(rest.body.data.map((e: JsonBody) => e.data.request_id)).toEqual([second]);
    expect(rest.body.meta.has_more).toBe(false);
    const end = await api.call(`/api/v1/events/?cursor=${encodeURIComponent(rest.body.meta.next_cursor)}`);
    expect(end.status).toBe(200);
    expect(end.body.data).toEqual([]);
    expect(end.body.message).toBe('Retrieved 0 events');
    expect(end.body.meta).toEqual({ next_cursor: rest.body.meta.next_cursor, has_more: false, limit: 100 });
  });

  it('filters by type, one or several', async () => {
    const accepted = await api.call('/api/v1/events/?type=notification.accepted');
    expect(accepted.status).toBe(200);
    expect(accepted.body.data.map((e: JsonBody) => [e.type, e.data.request_id])).toEqual([
      ['notification.accepted', first],
      ['notification.accepted', second],
    ]);
    const both = await api.call('/api/v1/events/?type=notification.delivered,notification.failed');
    expect(both.body.data.map((e: JsonBody) => e.type)).toEqual(['notification.delivered']);
  });

  it('filters by since', async () => {
    const past = await api.call('/api/v1/events/?since=2000-01-01T00:00:00Z');
    expect(past.body.data).toHaveLength(3);
    const future = await api.call('/api/v1/events/?since=2999-01-01T00:00:00%2B01:00');
    expect(future.status).toBe(200);
    expect(future.body.data).toEqual([]);
  });

  it('answers 422 VALIDATION_FAILED (never 500) at the bad parameter', async () => {
    const cases: Array<[string, string]> = [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['type=nope', 'type'],
      ['type=notification.accepted,', 'type'],
      ['type=notification.accepted&type=notification.failed', 'type'],
      ['cursor=garbage', 'cursor'],
      [`cursor=${'c'.repeat(201)}`, 'cursor'],
      ['since=yesterday', 'since'],
      ['since=2026-12-04', 'since'],
    ];
    for (const [query, path] of cases) {
      const res = await api.call(`/api/v1/events/?${query}`);
      expect(res.status, query).toBe(422);
      expectFailure(res.body, 'VALIDATION_FAILED');
      expect(detailPaths(res.body), query).toEqual([path]);
    }
    const several = await api.call('/api/v1/events/?type=nope&limit=0&since=yesterday');
    expect(several.status).toBe(422);
    expect(detailPaths(several.body)).toEqual(['type', 'since', 'limit']);
  });

  it('answers odd query values and ids with 200, 404 or 422, never anything else', async () => {
    const values = [
      '',
      '0',
      '-1',
      '1e2',
      '%00',
      '%ZZ',
      '%E0%A4%A',
      '[]',
      'NaN',
      ' 5',
      'notification.accepted',
      'm.abc.1',
      'm..99999999999999999999',
      '2026-02-30T00:00:00Z',
      '💥',
      'x'.repeat(500),
    ];
    const encoded = (value: string) => (value.startsWith('%') ? value : encodeURIComponent(value));
    for (const name of ['type', 'since', 'cursor', 'limit', 'other']) {
      for (const value of values) {
        for (const path of [`/api/v1/events/?${name}=${encoded(value)}`, `/api/v1/events/?${name}[]=x`]) {
          const res = await api.call(path);
          expect([200, 422], path).toContain(res.status);
          expect(typeof res.body.success).toBe('boolean');
        }
      }
    }
    for (const value of values.filter((v) => v !== '')) {
      const path = `/api/v1/notifications/${encoded(value)}/events/`;
      const res = await api.call(path);
      expect([200, 404, 422], path).toContain(res.status);
      expect(typeof res.body.success).toBe('boolean');
    }
  });

  it('treats an empty value as absent', async () => {
    const res = await api.call('/api/v1/events/?type=&since=&cursor=&limit=');
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(3);
    expect(res.body.meta.limit).toBe(100);
  });
});

describe('the event routes and HTTP', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ apiKeys: ['k-events'] });
  });
  afterAll(async () => {
    await api.close();
  });

  const auth = { Authorization: 'Bearer k-events' };

  it('answers 405 METHOD_NOT_ALLOWED with an Allow header for other methods', async () => {
    const cases: Array<[string, string]> = [
      ['POST', '/api/v1/events/'],
      ['DELETE', '/api/v1/events'],
      ['POST', '/api/v1/notifications/abc/events/'],
      ['PUT', '/api/v1/notifications/abc/events'],
    ];
    for (const [method, path] of cases) {
      const res = await api.call(path, { method, headers: auth });
      expect(res.status, `${method} ${path}`).toBe(405);
      expectFailure(res.body, 'METHOD_NOT_ALLOWED');
      const allow = (res.headers.get('allow') ?? '').split(/,\s*/);
      expect(allow).toContain('GET');
      expect(allow).not.toContain(method);
    }
  });

  it('needs the Bearer key on both routes, and echoes X-Request-ID', async () => {
    const body = validBody();
    expect((await api.post(body, auth)).status).toBe(202);
    for (const path of [`/api/v1/notifications/${body.request_id}/events/`, '/api/v1/events/']) {
      const refused = await api.call(path);
      expect(refused.status, path).toBe(401);
      expectFailure(refused.body, 'UNAUTHORIZED');
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      const res = await api.call(path, { headers: { ...auth, 'X-Request-ID': 'events-trace-1' } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('events-trace-1');
      expect(res.body.data.length).toBeGreaterThan(0);
    }
  });

  it('answers as the OpenAPI document says', async () => {
    const doc = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as JsonBody;
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: 'urn:notify:openapi', components: doc.components });
    const problems = (component: string, value: unknown): string[] => {
      const check = ajv.getSchema(`urn:notify:openapi#/components/schemas/${component}`);
      if (!check) throw new Error(`no component schema ${component}`);
      return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    };
    const body = validBody();
    await api.post(body, auth);
    const timeline = await api.call(`/api/v1/notifications/${body.request_id}/events/`, { headers: auth });
    expect(timeline.status).toBe(200);
    expect(problems('TimelineEnvelope', timeline.body)).toEqual([]);
    const list = await api.call('/api/v1/events/?limit=1', { headers: auth });
    expect(list.status).toBe(200);
    expect(problems('EventListEnvelope', list.body)).toEqual([]);
    const invalid = await api.call('/api/v1/events/?limit=0', { headers: auth });
    expect(problems('ErrorEnvelope', invalid.body)).toEqual([]);
    const missing = await api.call('/api/v1/notifications/nope/events/', { headers: auth });
    expect(problems('ErrorEnvelope', missing.body)).toEqual([]);
  });
});
