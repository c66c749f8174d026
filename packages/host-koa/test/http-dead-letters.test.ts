import { NotifyError } from '@notify/email-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, expectFailure, type JsonBody, startApi, validBody } from './http-harness.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Accepts a notification over HTTP, then lets the real engine fail it with a permanent SMTP error. */
async function deadLetter(
  api: ApiHarness,
  overrides: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<string> {
  const body = validBody(overrides);
  expect((await api.post(body, headers)).status).toBe(202);
  const requestId = body.request_id as string;
  const record = await api.store.getByRequestId(requestId);
  api.transport.failNext(new NotifyError('SMTP_PERMANENT', '550 5.1.1 no such user', { responseCode: 550 }));
  const outcome = await api.runtime.processNotification({
    requestId,
    taskId: record?.id ?? '',
    priority: 10,
    correlationId: 'corr-test',
  });
  expect(outcome).toBe('failed');
  return requestId;
}

const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

describe('/api/v1/dead-letters/', () => {
  let api: ApiHarness;
  const user = `dl-user-${Date.now()}`;
  const ids: string[] = [];
  beforeAll(async () => {
    api = await startApi();
    for (let i = 0; i < 3; i += 1) {
      ids.push(await deadLetter(api, { user_id: user, request_id: `${user}-${i}` }));
      // Distinct failure times, so "newest failure first" is observable.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await deadLetter(api, { user_id: 'someone-else' });
    // A notification that did not fail is not a dead letter.
    await api.post(validBody({ user_id: user }));
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists failed notifications newest failure first, with meta, with and without the slash', async () => {
    for (const path of ['/api/v1/dead-letters/', '/api/v1/dead-letters']) {
      const res = await api.call(`${path}?user_id=${user}&limit=2`);
      expect(res.status, path).toBe(200);
      expect(res.body.success).toBe(true);
      expect(res.body.message).toBe('Retrieved 2 dead letters');
      expect(res.body.data.map((d: JsonBody) => d.request_id)).toEqual([ids[2], ids[1]]);
      expect(res.body.meta).toEqual({
        total: 3,
        limit: 2,
        page: 1,
        total_pages: 2,
        has_next: true,
        has_previous: false,
      });
      expect(res.body.data[0]).toMatchObject({
        status: 'failed',
        attempts: 1,
        error: '550 5.1.1 no such user',
        error_code: 'SMTP_PERMANENT',
        user_id: user,
      });
      expect(res.body.data[0].failed_at).toMatch(ISO);
    }
    const byCode = await api.call('/api/v1/dead-letters/?error_code=TEMPLATE_NOT_FOUND');
    expect(byCode.body.meta.total).toBe(0);
    const all = await api.call('/api/v1/dead-letters/?error_code=SMTP_PERMANENT');
    expect(all.body.meta.total).toBe(4);
  });

  it('answers 422 VALIDATION_FAILED for bad query values', async () => {
    for (const query of ['limit=0', 'page=x', 'error_code=lower', 'template_code=Bad!', 'limit=1&limit=2']) {
      const res = await api.call(`/api/v1/dead-letters/?${query}`);
      expect(res.status, query).toBe(422);
      expectFailure(res.body, 'VALIDATION_FAILED');
      expect(res.body.error.details.length).toBeGreaterThan(0);
    }
  });

  it('inspects one dead letter with its history in ISO times', async () => {
    for (const path of [`/api/v1/dead-letters/${ids[0]}/`, `/api/v1/dead-letters/${ids[0]}`]) {
      const res = await api.call(path);
      expect(res.status, path).toBe(200);
      expect(res.body.message).toBe('Dead letter retrieved');
      expect(res.body.data).toMatchObject({
        request_id: ids[0],
        status: 'failed',
        error_code: 'SMTP_PERMANENT',
        history: [
          { attempt: 1, outcome: 'failed', error_code: 'SMTP_PERMANENT', error: '550 5.1.1 no such user' },
        ],
      });
      expect(res.body.data.history[0].at).toMatch(ISO);
      expect(res.body.data.correlation_id).toEqual(expect.any(String));
    }
  });

  it('answers 404 NOT_FOUND for an unknown id and for one that has not failed', async () => {
    const queued = validBody();
    await api.post(queued);
    for (const id of ['no-such-id', queued.request_id as string]) {
      const res = await api.call(`/api/v1/dead-letters/${id}/`);
      expect(res.status, id).toBe(404);
      expectFailure(res.body, 'NOT_FOUND');
    }
  });

  it('replays one: 202, the history kept, attempts 0, then delivered by a worker', async () => {
    const requestId = await deadLetter(api);
    const res = await api.call(`/api/v1/dead-letters/${requestId}/replay`, {
      method: 'POST',
      headers: { 'X-Request-ID': 'replay-trace-1' },
    });
    expect(res.status).toBe(202);
    expect(res.body.message).toBe('Dead letter re-queued for delivery');
    expect(res.headers.get('location')).toBe(`/api/v1/notifications/${requestId}/`);
    expect(res.body.data).toMatchObject({
      request_id: requestId,
      status: 'queued',
      attempts: 0,
      error: null,
    });
    expect(res.body.data.history.map((e: JsonBody) => e.outcome)).toEqual(['failed', 'replayed']);
    // The replay travels under the replaying request's correlation id. Looked up, not taken as the
    // last publish: the relay may publish an earlier accept's batch after it on a busy machine.
    const message = api.queue.published
      .map((p) => p.message)
      .find((m) => m.requestId === requestId && m.correlationId === 'replay-trace-1');
    expect(message).toMatchObject({ requestId, correlationId: 'replay-trace-1' });

    const sent = api.transport.sent.length;
    expect(await api.runtime.processNotification(message as never)).toBe('delivered');
    expect(api.transport.sent.length).toBe(sent + 1);
    const status = await api.call(`/api/v1/notifications/${requestId}/`);
    expect(status.body.data).toMatchObject({ status: 'delivered', attempts: 1 });
    // Gone from the dead letters.
    expect((await api.call(`/api/v1/dead-letters/${requestId}/`)).status).toBe(404);
  });

  it('answers 409 NOT_REPLAYABLE for a notification that has not failed, 404 for an unknown one', async () => {
    const queued = validBody();
    await api.post(queued);
    const res = await api.call(`/api/v1/dead-letters/${queued.request_id}/replay/`, { method: 'POST' });
    expect(res.status).toBe(409);
    expectFailure(res.body, 'NOT_REPLAYABLE');
    const missing = await api.call('/api/v1/dead-letters/no-such-id/replay/', { method: 'POST' });
    expect(missing.status).toBe(404);
    expectFailure(missing.body, 'NOT_FOUND');
  });

  it('answers 405 with Allow on the dead-letter paths', async () => {
    const cases: [string, string, string[]][] = [
      ['DELETE', '/api/v1/dead-letters/', ['GET']],
      ['POST', '/api/v1/dead-letters/', ['GET']],
      ['GET', `/api/v1/dead-letters/${ids[0]}/replay/`, ['POST']],
      ['DELETE', `/api/v1/dead-letters/${ids[0]}/`, ['GET']],
      ['PUT', '/api/v1/dead-letters/replay/', ['POST']],
    ];
    for (const [method, path, allowed] of cases) {
      const res = await api.call(path, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expectFailure(res.body, 'METHOD_NOT_ALLOWED');
      expect((res.headers.get('allow') ?? '').split(/,\s*/)).toEqual(expect.arrayContaining(allowed));
    }
  });
});

describe('POST /api/v1/dead-letters/replay/ (bulk)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('replays what the filter matches, up to limit, and reports counts', async () => {
    const user = `bulk-${Date.now()}`;
    for (let i = 0; i < 3; i += 1) await deadLetter(api, { user_id: user });
    const other = await deadLetter(api, { user_id: 'bulk-other' });

    const res = await api.call(
      '/api/v1/dead-letters/replay/',
      postJson({ filter: { user_id: user }, limit: 2 }),
    );
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('Replayed 2 of 3 dead letters');
    expect(res.body.data).toMatchObject({
      matched: 3,
      selected: 2,
      replayed: 2,
      skipped: 0,
      failed: 0,
      remaining: 1,
      limit: 2,
      filter: { user_id: user },
      errors: [],
    });
    for (const id of res.body.data.request_ids) {
      expect((await api.store.getByRequestId(id))?.status).toBe('queued');
    }
    expect((await api.store.getByRequestId(other))?.status).toBe('failed');

    // No body at all: no filter, the default limit.
    const rest = await api.call('/api/v1/dead-letters/replay', { method: 'POST' });
    expect(rest.status).toBe(200);
    expect(rest.body.data).toMatchObject({ matched: 2, replayed: 2, remaining: 0, limit: 100 });
    expect((await api.store.getByRequestId(other))?.status).toBe('queued');
  });

  it('refuses a misspelt filter, a bad limit, a non-object body, with the field named', async () => {
    const kept = await deadLetter(api);
    const res = await api.call(
      '/api/v1/dead-letters/replay/',
      postJson({ filter: { userId: 'x' }, limit: 0 }),
    );
    expect(res.status).toBe(422);
    expectFailure(res.body, 'VALIDATION_FAILED');
    expect(res.body.error.details.map((d: JsonBody) => d.path)).toEqual(['filter.userId', 'limit']);
    for (const body of [[], 'all', { limit: 5000 }, { everything: true }]) {
      const bad = await api.call('/api/v1/dead-letters/replay/', postJson(body));
      expect(bad.status, JSON.stringify(body)).toBe(422);
    }
    const malformed = await api.call('/api/v1/dead-letters/replay/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"limit":',
    });
    expect(malformed.status).toBe(400);
    expectFailure(malformed.body, 'MALFORMED_JSON');
    const text = await api.call('/api/v1/dead-letters/replay/', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'limit=5',
    });
    expect(text.status).toBe(415);
    expect((await api.store.getByRequestId(kept))?.status).toBe('failed');
  });

  it('answers 503 UNAVAILABLE with Retry-After while the store is down', async () => {
    api.store.setAvailable(false);
    try {
      for (const [path, init] of [
        ['/api/v1/dead-letters/', undefined],
        ['/api/v1/dead-letters/x/', undefined],
        ['/api/v1/dead-letters/x/replay/', { method: 'POST' }],
        ['/api/v1/dead-letters/replay/', postJson({})],
      ] as const) {
        const res = await api.call(path, init);
        expect(res.status, path).toBe(503);
        expectFailure(res.body, 'UNAVAILABLE');
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      }
    } finally {
      api.store.setAvailable(true);
    }
  });
});

describe('dead-letter routes with API keys', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ apiKeys: ['k-dead-letters'] });
  });
  afterAll(async () => {
    await api.close();
  });

  it('needs the Bearer key on every dead-letter route', async () => {
    const requestId = await deadLetter(api, {}, { Authorization: 'Bearer k-dead-letters' });
    for (const [path, method] of [
      ['/api/v1/dead-letters/', 'GET'],
      [`/api/v1/dead-letters/${requestId}/`, 'GET'],
      [`/api/v1/dead-letters/${requestId}/replay/`, 'POST'],
      ['/api/v1/dead-letters/replay/', 'POST'],
    ] as const) {
      const res = await api.call(path, { method });
      expect(res.status, `${method} ${path}`).toBe(401);
      expectFailure(res.body, 'UNAUTHORIZED');
    }
    expect((await api.store.getByRequestId(requestId))?.status).toBe('failed');
    const res = await api.call('/api/v1/dead-letters/', {
      headers: { Authorization: 'Bearer k-dead-letters' },
    });
    expect(res.status).toBe(200);
    expect(res.body.meta.total).toBe(1);
  });
});

describe('dead-letter answers match the OpenAPI document', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('validates list, inspect, replay and bulk answers against their documented schemas', async () => {
    const doc = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as JsonBody;
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: 'urn:notify:openapi', components: doc.components });
    const problems = (component: string, value: unknown): string[] => {
      const check = ajv.getSchema(`urn:notify:openapi#/components/schemas/${component}`);
      if (!check) throw new Error(`no component schema ${component}`);
      return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    };
    const first = await deadLetter(api);
    await deadLetter(api);
    expect(problems('DeadLetterListEnvelope', (await api.call('/api/v1/dead-letters/')).body)).toEqual([]);
    expect(problems('DeadLetterEnvelope', (await api.call(`/api/v1/dead-letters/${first}/`)).body)).toEqual(
      [],
    );
    const one = await api.call(`/api/v1/dead-letters/${first}/replay/`, { method: 'POST' });
    expect(problems('ReplayedEnvelope', one.body)).toEqual([]);
    const bulk = await api.call('/api/v1/dead-letters/replay/', postJson({ limit: 10 }));
    expect(bulk.body.data.replayed).toBe(1);
    expect(problems('BulkReplayEnvelope', bulk.body)).toEqual([]);
  });
});
