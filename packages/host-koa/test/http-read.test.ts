import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, expectFailure, startApi, validBody } from './http-harness.js';

describe('GET /api/v1/notifications/{request_id}/', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('returns the status object from the moment of the 202, with and without the trailing slash', async () => {
    const body = validBody({ priority: 42, metadata: { campaign: 'spring' } });
    const accepted = await api.post(body);
    for (const path of [
      `/api/v1/notifications/${body.request_id}/`,
      `/api/v1/notifications/${body.request_id}`,
    ]) {
      const res = await api.call(path);
      expect(res.status, path).toBe(200);
      expect(res.body.success).toBe(true);
      expect(res.body.error).toBeNull();
      expect(res.body.data).toMatchObject({
        request_id: body.request_id,
        task_id: accepted.body.data.task_id,
        user_id: 'user-1',
        to_email: 'ada@example.com',
        template_code: 'welcome',
        status: 'queued',
        attempts: 0,
        error: null,
        priority: 42,
        metadata: { campaign: 'spring' },
        delivered_at: null,
      });
      expect(res.body.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      expect(res.body.data.updated_at).toMatch(/Z$/);
    }
  });

  it('finds ids holding URL-encoded characters', async () => {
    const requestId = `order/42:ü ${Date.now()}?#%`.replace(/\s/g, '_');
    await api.post(validBody({ request_id: requestId }));
    const res = await api.call(`/api/v1/notifications/${encodeURIComponent(requestId)}/`);
    expect(res.status).toBe(200);
    expect(res.body.data.request_id).toBe(requestId);
  });

  it('answers 503 UNAVAILABLE with Retry-After on reads while the store is down', async () => {
    api.store.setAvailable(false);
    try {
      for (const path of ['/api/v1/notifications/any-id/', '/api/v1/notifications/list/']) {
        const res = await api.call(path);
        expect(res.status, path).toBe(503);
        expectFailure(res.body, 'UNAVAILABLE');
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      }
    } finally {
      api.store.setAvailable(true);
    }
  });

  it('answers 404 NOT_FOUND for an unknown id', async () => {
    const res = await api.call('/api/v1/notifications/does-not-exist/');
    expect(res.status).toBe(404);
    expectFailure(res.body, 'NOT_FOUND');
  });
});

describe('GET /api/v1/notifications/list/ and /api/v1/notifications/', () => {
  let api: ApiHarness;
  const user = `lister-${Date.now()}`;
  beforeAll(async () => {
    api = await startApi();
    for (let i = 0; i < 7; i += 1) {
      const res = await api.post(validBody({ user_id: user, request_id: `${user}-${i}` }));
      expect(res.status).toBe(202);
    }
    await api.post(validBody({ user_id: 'someone-else' }));
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists with pagination meta on both paths', async () => {
    for (const path of [
      '/api/v1/notifications/list/',
      '/api/v1/notifications/',
      '/api/v1/notifications/list',
    ]) {
      const res = await api.call(`${path}?user_id=${user}&limit=3&page=2`);
      expect(res.status, path).toBe(200);
      expect(res.body.success).toBe(true);
      expect(res.body.message).toBe('Retrieved 3 notifications');
      expect(res.body.data).toHaveLength(3);
      expect(res.body.meta).toEqual({
        total: 7,
        limit: 3,
        page: 2,
        total_pages: 3,
        has_next: true,
        has_previous: true,
      });
      for (const item of res.body.data) expect(item.user_id).toBe(user);
    }
  });

  it('lists newest first, defaults to limit 20 page 1', async () => {
    const res = await api.call(`/api/v1/notifications/?user_id=${user}`);
    expect(res.body.meta).toEqual({
      total: 7,
      limit: 20,
      page: 1,
      total_pages: 1,
      has_next: false,
      has_previous: false,
    });
    const created = res.body.data.map((item: { created_at: string }) => item.created_at);
    expect([...created].sort().reverse()).toEqual(created);
  });

  it('answers a page past the end with 200 and an empty array', async () => {
    const res = await api.call(`/api/v1/notifications/list/?user_id=${user}&limit=5&page=9`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(res.body.message).toBe('Retrieved 0 notifications');
    expect(res.body.meta).toMatchObject({
      total: 7,
      page: 9,
      total_pages: 2,
      has_next: false,
      has_previous: true,
    });
  });

  it('never takes list for a request_id, even when a notification is called "list"', async () => {
    await api.post(validBody({ user_id: 'list-owner', request_id: 'list' }));
    const res = await api.call('/api/v1/notifications/list/?user_id=list-owner');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.data)).toBe(true);
    expect(res.body.meta.total).toBe(1);
  });

  it('treats an empty value as absent', async () => {
    const res = await api.call(`/api/v1/notifications/?user_id=${user}&limit=&page=&status=`);
    expect(res.status).toBe(200);
    expect(res.body.meta).toMatchObject({ limit: 20, page: 1, total: 7 });
  });

  it('filters by status, with pending meaning queued or retrying', async () => {
    const pending = await api.call(`/api/v1/notifications/?user_id=${user}&status=pending`);
    expect(pending.body.meta.total).toBe(7);
    const delivered = await api.call(`/api/v1/notifications/?user_id=${user}&status=delivered`);
    expect(delivered.status).toBe(200);
    expect(delivered.body.meta.total).toBe(0);
  });

  it('answers 422 VALIDATION_FAILED (never 500) for every bad query value', async () => {
    const bad = [
      'limit=0',
      'limit=101',
      'limit=abc',
      'limit=1.5',
      'limit=-1',
      `user_id=${'u'.repeat(200)}`,
      'template_code=Bad%20Code!',
      'status=queued,bogus',
      'page=0',
      'page=-3',
      'page=x',
      'page=1e3',
      'status=exploded',
      'limit=1&limit=2',
      'status=queued&status=failed&status=x',
      'page=99999999999999999999999',
    ];
    for (const query of bad) {
      const res = await api.call(`/api/v1/notifications/list/?${query}`);
      expect(res.status, query).toBe(422);
      expectFailure(res.body, 'VALIDATION_FAILED');
      expect(res.body.error.details.length, query).toBeGreaterThan(0);
    }
  });
});

describe('POST /api/v1/notifications/{request_id}/retry/', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('re-queues a failed notification', async () => {
    const body = validBody();
    await api.post(body);
    const requestId = body.request_id as string;
    // Drive the record to failed the way a worker would: claim, then store the permanent failure.
    await api.store.claim({ requestId, owner: 'test', now: new Date(), leaseMs: 60_000 });
    await api.store.update(
      requestId,
      { status: ['processing'] },
      { status: 'failed', error: 'boom', attempts: 1 },
    );
    const res = await api.call(`/api/v1/notifications/${requestId}/retry/`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(res.body.success).toBe(true);
    expect(res.body.data.request_id).toBe(requestId);
    expect(res.body.data.status).toBe('queued');
    expect((await api.store.getByRequestId(requestId))?.status).toBe('queued');
  });

  it('answers 404 for an unknown id and 409 for one that has not failed', async () => {
    const missing = await api.call('/api/v1/notifications/nope/retry', { method: 'POST' });
    expect(missing.status).toBe(404);
    expectFailure(missing.body, 'NOT_FOUND');
    const body = validBody();
    await api.post(body);
    const res = await api.call(`/api/v1/notifications/${body.request_id}/retry/`, { method: 'POST' });
    expect(res.status).toBe(409);
    expectFailure(res.body, 'NOT_REPLAYABLE');
  });
});
