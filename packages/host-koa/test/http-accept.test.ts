import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, expectFailure, startApi, validBody } from './http-harness.js';

describe('POST /api/v1/notifications/', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ bodyLimitBytes: 4096 });
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 202 with request_id, task_id and status queued, after the record is stored', async () => {
    const body = validBody();
    const res = await api.post(body);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      success: true,
      message: 'Notification queued for processing',
      data: { request_id: body.request_id, task_id: expect.any(String), status: 'queued' },
      error: null,
      meta: null,
    });
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(res.headers.get('location')).toBe(`/api/v1/notifications/${body.request_id}/`);
    const stored = await api.store.getByRequestId(body.request_id as string);
    expect(stored?.id).toBe(res.body.data.task_id);
  });

  it('answers a Location that leads back to the notification for every id, list too', async () => {
    for (const id of ['list', 'LIST', 'a/b', 'x?y#z', 'ünï', '.a', 'a..', '...']) {
      const res = await api.post(validBody({ request_id: id }));
      expect(res.status, id).toBe(202);
      const location = res.headers.get('location') as string;
      // As a client resolves it against the request URL (RFC 3986), then fetches it.
      const resolved = new URL(location, `${api.baseUrl}/api/v1/notifications/`);
      const status = await api.call(`${resolved.pathname}${resolved.search}`);
      expect(status.status, `${id} → ${location}`).toBe(200);
      expect(status.body.data.request_id, `${id} → ${location}`).toBe(id);
    }
  });

  it('refuses "." and ".." as ids: no URL can name them (422 at request_id)', async () => {
    for (const id of ['.', '..']) {
      const res = await api.post(validBody({ request_id: id }));
      expect(res.status, id).toBe(422);
      expectFailure(res.body, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([
        {
          path: 'request_id',
          message: 'request_id must not be "." or ".." (they cannot be a URL path segment)',
        },
      ]);
    }
  });

  it('accepts the path without the trailing slash', async () => {
    const res = await api.call('/api/v1/notifications', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(validBody()),
    });
    expect(res.status).toBe(202);
  });

  it('replays the same request_id and payload with the same task_id and Idempotent-Replayed: true', async () => {
    const body = validBody();
    const first = await api.post(body);
    // Key order differs: payloads are compared after validation, not byte for byte.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const second = await api.post(reordered);
    expect(second.status).toBe(202);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.data.task_id).toBe(first.body.data.task_id);
    expect(api.store.all().filter((n) => n.requestId === body.request_id)).toHaveLength(1);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same request_id with a different payload', async () => {
    const body = validBody();
    await api.post(body);
    const res = await api.post({ ...body, variables: { email: 'someone.else@example.com', name: 'Bob' } });
    expect(res.status).toBe(422);
    expectFailure(res.body, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('takes the request_id from the Idempotency-Key header', async () => {
    const { request_id, ...body } = validBody();
    const key = `hdr-${request_id}`;
    const first = await api.post(body, { 'Idempotency-Key': key });
    expect(first.status).toBe(202);
    expect(first.body.data.request_id).toBe(key);
    const replay = await api.post({ ...body, request_id: key });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('answers 422 at request_id when the header and the body disagree', async () => {
    const res = await api.post(validBody(), { 'Idempotency-Key': 'something-else' });
    expect(res.status).toBe(422);
    expectFailure(res.body, 'VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('request_id');
  });

  it('answers 422 VALIDATION_FAILED with one detail per bad field, by dotted path', async () => {
    const res = await api.post({
      notification_type: 'email',
      user_id: '',
      template_code: 'Bad Code!',
      variables: { email: 'not-an-address' },
      request_id: 'ok-id',
    });
    expect(res.status).toBe(422);
    expectFailure(res.body, 'VALIDATION_FAILED');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['user_id', 'template_code', 'variables.email']));
    for (const detail of res.body.error.details) expect(typeof detail.message).toBe('string');
  });

  it('answers 422 VALIDATION_FAILED at notification_type when it is missing', async () => {
    const { notification_type, ...body } = validBody();
    const res = await api.post(body);
    expect(res.status).toBe(422);
    expectFailure(res.body, 'VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('notification_type');
  });

  it('answers 422 UNSUPPORTED_NOTIFICATION_TYPE for another type', async () => {
    const res = await api.post(validBody({ notification_type: 'sms' }));
    expect(res.status).toBe(422);
    expectFailure(res.body, 'UNSUPPORTED_NOTIFICATION_TYPE');
  });

  it('answers 422 for a JSON body that is not an object', async () => {
    for (const body of [[], 'text', 42, null]) {
      const res = await api.post(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expectFailure(res.body, 'VALIDATION_FAILED');
    }
  });

  it('answers 400 MALFORMED_JSON for broken, empty or non-UTF-8 bodies', async () => {
    for (const raw of ['{"notification_type":', '', '   ', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])]) {
      const res = await api.call('/api/v1/notifications/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: raw,
      });
      expect(res.status).toBe(400);
      expectFailure(res.body, 'MALFORMED_JSON');
    }
  });

  it('accepts application/json; charset=utf-8 and application/*+json', async () => {
    for (const type of [
      'application/json; charset=utf-8',
      'Application/JSON;charset="UTF-8"',
      'application/vnd.notify+json',
    ]) {
      const res = await api.call('/api/v1/notifications/', {
        method: 'POST',
        headers: { 'Content-Type': type },
        body: JSON.stringify(validBody()),
      });
      expect(res.status, type).toBe(202);
    }
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for other content types, charsets and encodings', async () => {
    const cases: Record<string, string>[] = [
      { 'Content-Type': 'text/plain' },
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      { 'Content-Type': 'application/json; charset=latin1' },
      { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      {},
    ];
    for (const headers of cases) {
      const res = await api.call('/api/v1/notifications/', {
        method: 'POST',
        headers,
        body: new Blob([JSON.stringify(validBody())]),
      });
      expect(res.status, JSON.stringify(headers)).toBe(415);
      expectFailure(res.body, 'UNSUPPORTED_MEDIA_TYPE');
    }
    expect(api.store.all().some((n) => n.userId === 'never')).toBe(false);
  });

  it('answers 413 PAYLOAD_TOO_LARGE by Content-Length, before reading the body', async () => {
    const before = api.store.size;
    const res = await api.post(validBody({ metadata: { pad: 'x'.repeat(8000) } }));
    expect(res.status).toBe(413);
    expectFailure(res.body, 'PAYLOAD_TOO_LARGE');
    expect(api.store.size).toBe(before);
  });

  it('answers 413 from the declared Content-Length without waiting for the body', async () => {
    const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const req = request(`${api.baseUrl}/api/v1/notifications/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(10 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
      req.on('error', reject);
      // Only the headers go out: a reader that waited for 10 MiB would never answer.
      req.flushHeaders();
    });
    expect(answer.status).toBe(413);
    expectFailure(JSON.parse(answer.body), 'PAYLOAD_TOO_LARGE');
  });

  it('answers 413 for a chunked body that grows past the limit while read', async () => {
    const chunk = new TextEncoder().encode(`{"pad":"${'x'.repeat(1000)}`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        if (sent > 20) controller.close();
        else controller.enqueue(sent === 1 ? chunk : new TextEncoder().encode('x'.repeat(1000)));
      },
    });
    const res = await api.call('/api/v1/notifications/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expectFailure(res.body, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 503 UNAVAILABLE with Retry-After when the store is down, and accepts nothing', async () => {
    const body = validBody();
    api.store.setAvailable(false);
    try {
      const res = await api.post(body);
      expect(res.status).toBe(503);
      expectFailure(res.body, 'UNAVAILABLE');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(res.body.error.message).not.toMatch(/in-memory|simulated/i);
    } finally {
      api.store.setAvailable(true);
    }
    expect(await api.store.getByRequestId(body.request_id as string)).toBeNull();
  });
});

describe('the default body limit', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('is 256 KiB', async () => {
    const base = JSON.stringify(validBody({ metadata: {} }));
    const padTo = (size: number) => `${base.slice(0, -1)},"pad":"${'x'.repeat(size - base.length - 9)}"}`;
    const post = (raw: string) =>
      api.call('/api/v1/notifications/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: raw,
      });
    const atLimit = await post(padTo(256 * 1024));
    // Not 413: the body is read and judged (the engine decides about unknown fields).
    expect(atLimit.status).not.toBe(413);
    const over = await post(padTo(256 * 1024 + 1));
    expect(over.status).toBe(413);
    expectFailure(over.body, 'PAYLOAD_TOO_LARGE');
  });
});
