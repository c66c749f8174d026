import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, expectFailure, type JsonBody, startApi } from './http-harness.js';

const BASE = '/api/v1/webhooks';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function post(body?: unknown): RequestInit {
  return body === undefined
    ? { method: 'POST' }
    : {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      };
}

const detailPaths = (body: JsonBody) => (body.error.details as Array<{ path: string }>).map((d) => d.path);

describe('the test event and delivery log routes', () => {
  let api: ApiHarness;
  let id: string;
  beforeAll(async () => {
    api = await startApi({ urlGuard: { check: async () => {} } });
    const created = await api.call(`${BASE}/`, post({ url: 'https://hooks.example.com/in', events: ['*'] }));
    expect(created.status).toBe(201);
    id = created.body.data.id as string;
  });
  afterAll(async () => {
    await api.close();
  });

  it('POST test/ queues a webhook.test delivery (202); the log lists it, and one shows its attempts', async () => {
    const queued = await api.call(`${BASE}/${id}/test/`, post());
    expect(queued.status).toBe(202);
    expect(queued.body.message).toBe('Test event queued');
    const delivery = queued.body.data as Record<string, unknown>;
    expect(delivery).toMatchObject({
      event_type: 'webhook.test',
      status: 'pending',
      attempts: 0,
      last_response_status: null,
      last_error: null,
      last_duration_ms: null,
    });
    expect(delivery.id).toMatch(/^whd_[0-9a-f]{32}$/);
    expect(delivery.event_id).toMatch(/^evt_/);
    expect(delivery.next_attempt_at).toMatch(ISO);
    const log = await api.call(`${BASE}/${id}/deliveries/?status=pending`);
    expect(log.status).toBe(200);
    expect(log.body.message).toBe('Retrieved 1 delivery');
    expect(log.body.data).toEqual([delivery]);
    expect(log.body.meta).toMatchObject({ total: 1 });
    const none = await api.call(`${BASE}/${id}/deliveries/?status=failed`);
    expect([none.status, none.body.message, none.body.data]).toEqual([200, 'Retrieved 0 deliveries', []]);
    const one = await api.call(`${BASE}/${id}/deliveries/${delivery.id}/`);
    expect(one.status).toBe(200);
    expect(one.body.data).toEqual({ ...delivery, attempt_log: [] });
  });

  it('retry/ makes a delivery due now (202); recover/ re-queues the failed ones since a time (202)', async () => {
    const queued = await api.call(`${BASE}/${id}/test/`, post());
    const deliveryId = queued.body.data.id as string;
    const retried = await api.call(`${BASE}/${id}/deliveries/${deliveryId}/retry/`, post());
    expect(retried.status).toBe(202);
    expect(retried.body.data).toMatchObject({ id: deliveryId, status: 'pending' });
    const recovered = await api.call(`${BASE}/${id}/recover/`, post({ since: '2020-01-01T00:00:00Z' }));
    expect(recovered.status).toBe(202);
    expect(recovered.body.data).toEqual({ recovered: 0, since: '2020-01-01T00:00:00.000Z' });
    expect(recovered.body.message).toBe('0 failed deliveries queued again');
  });

  it('bad input is a 4xx with a code and the field; unknown ids are 404', async () => {
    const badStatus = await api.call(`${BASE}/${id}/deliveries/?status=done`);
    expect(badStatus.status).toBe(422);
    expectFailure(badStatus.body, 'VALIDATION_FAILED');
    expect(detailPaths(badStatus.body)).toEqual(['status']);
    const badLimit = await api.call(`${BASE}/${id}/deliveries/?limit=0`);
    expect(detailPaths(badLimit.body)).toEqual(['limit']);
    const noSince = await api.call(`${BASE}/${id}/recover/`, post({}));
    expect(noSince.status).toBe(422);
    expect(detailPaths(noSince.body)).toEqual(['since']);
    const badSince = await api.call(`${BASE}/${id}/recover/`, post({ since: 'yesterday' }));
    expect(detailPaths(badSince.body)).toEqual(['since']);
    const notJson = await api.call(`${BASE}/${id}/recover/`, post('{"since":'));
    expect(notJson.status).toBe(400);
    expectFailure(notJson.body, 'MALFORMED_JSON');
    for (const path of [
      `${BASE}/wh_nope/deliveries/`,
      `${BASE}/${id}/deliveries/whd_nope/`,
      `${BASE}/wh_status_callback/test/`,
    ]) {
      const res = await api.call(path, path.endsWith('test/') ? post() : undefined);
      expect(res.status, path).toBe(404);
      expectFailure(res.body, 'NOT_FOUND');
    }
    for (const path of [`${BASE}/wh_nope/test/`, `${BASE}/${id}/deliveries/whd_nope/retry/`]) {
      const res = await api.call(path, post());
      expect(res.status, path).toBe(404);
    }
    const unknownRecover = await api.call(
      `${BASE}/wh_nope/recover/`,
      post({ since: '2020-01-01T00:00:00Z' }),
    );
    expect(unknownRecover.status).toBe(404);
  });
});
