import { InMemoryRateLimiter, NotifyError, type RateLimiter } from '@notify/email-core';
import { ManualClock } from '@notify/email-core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, expectFailure, startApi, validBody } from './http-harness.js';

describe('routing', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 404 NOT_FOUND in the envelope for unknown paths', async () => {
    for (const path of ['/', '/api/v2/notifications/', '/api/v1/notifications/a/b/c', '/nothing?x=1']) {
      const res = await api.call(path);
      expect(res.status, path).toBe(404);
      expectFailure(res.body, 'NOT_FOUND');
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  it('answers 405 METHOD_NOT_ALLOWED with an Allow header on known paths', async () => {
    const cases: [string, string, string[]][] = [
      ['DELETE', '/api/v1/notifications/', ['GET', 'POST']],
      ['PUT', '/api/v1/notifications/list/', ['GET']],
      ['POST', '/health/', ['GET']],
      ['GET', '/api/v1/notifications/abc/retry/', ['POST']],
      ['PATCH', '/api/v1/notifications/abc/', ['GET']],
    ];
    for (const [method, path, allowed] of cases) {
      const res = await api.call(path, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expectFailure(res.body, 'METHOD_NOT_ALLOWED');
      const allow = (res.headers.get('allow') ?? '').split(/,\s*/);
      expect(allow).toEqual(expect.arrayContaining(allowed));
      expect(allow).not.toContain(method);
    }
  });

  it('answers OPTIONS with the allowed methods in the envelope', async () => {
    const res = await api.call('/api/v1/notifications/', { method: 'OPTIONS' });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.headers.get('allow')).toContain('POST');
  });
});

describe('X-Request-ID and logging', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('echoes a sane X-Request-ID and binds it into the log lines as correlation_id', async () => {
    const body = validBody();
    const res = await api.post(body, { 'X-Request-ID': 'trace-abc-123' });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
    const lines = api.logs.filter((line) => line.correlation_id === 'trace-abc-123');
    // One info line per accepted request: the access line, carrying the ids docs/configuration.md (Logs) lists.
    expect(lines.filter((line) => line.level === 'INFO').map((line) => line.message)).toEqual([
      'request completed',
    ]);
    const access = lines.find((line) => line.message === 'request completed');
    expect(access).toMatchObject({
      method: 'POST',
      path: '/api/v1/notifications/',
      status: 202,
      request_id: body.request_id,
      task_id: (res.body.data as { task_id: string }).task_id,
      replayed: false,
    });
    expect(typeof access?.duration_ms).toBe('number');
    // The correlation id travels with the notification into the queue and the worker.
    expect((await api.store.getByRequestId(body.request_id as string))?.correlationId).toBe('trace-abc-123');
  });

  it('binds the request_id the client named into the log lines even when the engine refuses it', async () => {
    const body = validBody();
    await api.post(body);
    const res = await api.post({ ...body, priority: 99 }, { 'X-Request-ID': 'reuse-1' });
    expect(res.status).toBe(422);
    const access = api.logs.find(
      (line) => line.correlation_id === 'reuse-1' && line.message === 'request completed',
    );
    expect(access).toMatchObject({
      request_id: body.request_id,
      status: 422,
      level: 'INFO',
    });
  });

  it('generates a UUID when the header is missing, too long or not printable', async () => {
    for (const sent of [undefined, 'x'.repeat(201), 'bad\u0001id']) {
      const headers: Record<string, string> = sent === undefined ? {} : { 'X-Request-ID': sent };
      const res = await fetch(`${api.baseUrl}/health/live`, { headers }).catch(() => undefined);
      // fetch itself refuses control characters in headers; then there is nothing to check.
      if (!res) continue;
      expect(res.headers.get('x-request-id')).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
    }
    const res = await api.call('/nowhere', { headers: { 'X-Request-ID': 'y'.repeat(200) } });
    expect(res.headers.get('x-request-id')).toBe('y'.repeat(200));
  });

  it('carries X-Request-ID on every error response too', async () => {
    const res = await api.call('/api/v1/notifications/', {
      method: 'POST',
      headers: { 'X-Request-ID': 'err-1' },
      body: 'x',
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('x-request-id')).toBe('err-1');
  });
});

describe('unexpected errors', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({
      wrapEngine: (engine) => ({
        ...engine,
        getNotification: async () => {
          throw new Error('secret connection string postgres://user:pw@db');
        },
        listNotifications: async () => {
          throw new NotifyError('CONFIG_INVALID', 'internal wiring detail');
        },
      }),
    });
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 500 INTERNAL with a generic message and logs the real error', async () => {
    const res = await api.call('/api/v1/notifications/some-id/', { headers: { 'X-Request-ID': 'boom-1' } });
    expect(res.status).toBe(500);
    expectFailure(res.body, 'INTERNAL');
    expect(JSON.stringify(res.body)).not.toMatch(/secret|postgres|stack|at /);
    const logged = api.logs.find((line) => line.correlation_id === 'boom-1' && line.level === 'ERROR');
    expect(JSON.stringify(logged)).toContain('secret connection string');
  });

  it('never passes a 5xx NotifyError message to the client', async () => {
    const res = await api.call('/api/v1/notifications/');
    expect(res.status).toBe(500);
    expectFailure(res.body, 'INTERNAL');
    expect(JSON.stringify(res.body)).not.toContain('wiring');
  });
});

describe('API keys', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ apiKeys: ['key-one', 'key-two-longer'] });
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 401 UNAUTHORIZED on /api/ routes without a key or with a wrong one', async () => {
    const cases: (Record<string, string> | undefined)[] = [
      undefined,
      { Authorization: 'Bearer wrong' },
      { Authorization: 'Bearer key-one-plus' },
      { Authorization: 'Basic a2V5LW9uZTo=' },
      { Authorization: 'Bearer' },
    ];
    for (const headers of cases) {
      for (const path of [
        '/api/v1/notifications/list/',
        '/API/v1/notifications/list/',
        '/api/v1/notifications/x/',
      ]) {
        const res = await api.call(path, { headers });
        expect(res.status, `${JSON.stringify(headers)} ${path}`).toBe(401);
        expectFailure(res.body, 'UNAUTHORIZED');
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
    const post = await api.post(validBody());
    expect(post.status).toBe(401);
  });

  it('lets every configured key through', async () => {
    for (const key of ['key-one', 'key-two-longer']) {
      const res = await api.post(validBody(), { Authorization: `Bearer ${key}` });
      expect(res.status).toBe(202);
      const list = await api.call('/api/v1/notifications/', { headers: { Authorization: `bearer ${key}` } });
      expect(list.status).toBe(200);
    }
  });

  it('never asks for a key on the health routes', async () => {
    expect((await api.call('/health/')).status).toBe(200);
    expect((await api.call('/health/live')).status).toBe(200);
  });

  it('needs no key when none are configured', async () => {
    const open = await startApi();
    try {
      expect((await open.post(validBody())).status).toBe(202);
    } finally {
      await open.close();
    }
  });
});

describe('rate limiting', () => {
  const clock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ rateLimiter: new InMemoryRateLimiter({ ratePerSecond: 1, burst: 3, clock }) });
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 429 RATE_LIMITED with Retry-After and RateLimit headers once a user_id bucket is empty', async () => {
    const user = `busy-${Date.now()}`;
    const remaining: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await api.post(validBody({ user_id: user }));
      expect(res.status).toBe(202);
      expect(res.headers.get('ratelimit-limit')).toBe('3');
      remaining.push(res.headers.get('ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await api.post(validBody({ user_id: user }));
    expect(refused.status).toBe(429);
    expectFailure(refused.body, 'RATE_LIMITED');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    // Another user has a bucket of their own.
    expect((await api.post(validBody({ user_id: `${user}-other` }))).status).toBe(202);
    // And the bucket refills with time.
    clock.advance(1000);
    expect((await api.post(validBody({ user_id: user }))).status).toBe(202);
  });

  it('charges a body without a usable user_id to the caller IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await api.post({ user_id: 42 })).status);
    expect(statuses).toEqual([422, 422, 422, 429]);
    clock.advance(10_000);
  });

  it('does not limit reads or health', async () => {
    for (let i = 0; i < 10; i += 1) {
      expect((await api.call('/api/v1/notifications/')).status).toBe(200);
      expect((await api.call('/health/live')).status).toBe(200);
    }
  });
});

describe('rate limiter outage', () => {
  let api: ApiHarness;
  const broken: RateLimiter = {
    consume: async () => {
      throw new NotifyError('UNAVAILABLE', 'redis down');
    },
    close: async () => {},
  };
  beforeAll(async () => {
    api = await startApi({ rateLimiter: broken });
  });
  afterAll(async () => {
    await api.close();
  });

  it('lets the request through and logs a warning', async () => {
    const res = await api.post(validBody(), { 'X-Request-ID': 'limiter-down' });
    expect(res.status).toBe(202);
    expect(api.logs.some((line) => line.correlation_id === 'limiter-down' && line.level === 'WARN')).toBe(
      true,
    );
  });
});

describe('health with an open SMTP circuit', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ engineOptions: { breaker: { failureThreshold: 1, resetTimeoutMs: 60_000 } } });
  });
  afterAll(async () => {
    await api.close();
  });

  it('reports smtp degraded and stays 200 healthy', async () => {
    const body = validBody();
    const accepted = await api.post(body);
    api.transport.setAvailable(false);
    await api.runtime.processNotification({
      requestId: body.request_id as string,
      taskId: accepted.body.data.task_id,
      priority: 10,
      correlationId: 'smtp-down',
    });
    expect(api.runtime.breakerState()).toBe('open');
    const res = await api.call('/health/');
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.data.status).toBe('healthy');
    expect(res.body.data.checks.smtp.status).toBe('degraded');
    // Accepting still works while mail is deferred.
    expect((await api.post(validBody())).status).toBe(202);
  });
});

describe('health', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterEach(() => {
    api.store.setAvailable(true);
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 200 healthy with the checks', async () => {
    for (const path of ['/health/', '/health']) {
      const res = await api.call(path);
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      expect(res.body.data).toMatchObject({
        status: 'healthy',
        service: 'email-service',
        version: expect.any(String),
        checks: { database: { status: 'up' }, queue: { status: 'up' }, smtp: { status: expect.any(String) } },
      });
      expect(res.body.data.timestamp).toMatch(/Z$/);
    }
  });

  it('answers 503 unhealthy when the store is down, naming the check', async () => {
    api.store.setAvailable(false);
    const res = await api.call('/health/');
    expect(res.status).toBe(503);
    expect(res.body.success).toBe(false);
    expect(res.body.error.code).toBe('UNAVAILABLE');
    expect(res.body.message).toContain('database');
    expect(res.body.data.status).toBe('unhealthy');
    expect(res.body.data.checks.database.status).toBe('down');
    expect(res.headers.get('retry-after')).toBe('5');
  });

  it('answers 503 when the queue is down', async () => {
    api.queue.setAvailable(false);
    try {
      const res = await api.call('/health/');
      expect(res.status).toBe(503);
      expect(res.body.data.checks.queue.status).toBe('down');
      expect(res.body.message).toContain('queue');
    } finally {
      api.queue.setAvailable(true);
    }
  });

  it('answers /health/live 200 even when the store is down', async () => {
    api.store.setAvailable(false);
    for (const path of ['/health/live', '/health/live/']) {
      const res = await api.call(path);
      expect(res.status).toBe(200);
      expect(res.body.data.status).toBe('alive');
    }
  });
});
