import { connect } from 'node:net';
import { Writable } from 'node:stream';
import {
  createEmailEngine,
  type EmailEngineInstance,
  InMemoryMailTransport,
  InMemoryNotificationQueue,
  InMemoryNotificationStore,
  InMemoryRateLimiter,
  InMemoryStatusNotifier,
  InMemoryTemplateSource,
} from '@notify/email-core';
import { createApp, type RunningHttpServer, startHttpServer } from '@notify/host-koa';
import { startWorker, type Worker } from '@notify/host-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../test-support/wait.js';
import {
  type ApiHarness,
  type JsonBody,
  startApi,
  validBody,
  WELCOME,
} from '../../host-koa/test/http-harness.js';
import { createLogger } from '../src/logging/logger.js';

// An audit of the HTTP contract (docs/api.md) and the predecessor's (docs/migrating-from-django.md), statement by statement, over real HTTP
// against the real Koa app on the real engine (in-memory backends), with a real worker consuming.

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const ENVELOPE_KEYS = ['data', 'error', 'message', 'meta', 'success'];

/** The whole service in memory: API, a worker, a status notifier, and every log line captured. */
interface Service {
  baseUrl: string;
  store: InMemoryNotificationStore;
  queue: InMemoryNotificationQueue;
  transport: InMemoryMailTransport;
  notifier: InMemoryStatusNotifier;
  runtime: EmailEngineInstance;
  logs: Array<Record<string, unknown>>;
  rawLogs: string[];
  call(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: JsonBody }>;
  post(body: unknown, headers?: Record<string, string>): ReturnType<Service['call']>;
  close(): Promise<void>;
}

async function startService(): Promise<Service> {
  const store = new InMemoryNotificationStore();
  const queue = new InMemoryNotificationQueue({ redeliveryDelayMs: 50 });
  const transport = new InMemoryMailTransport();
  const notifier = new InMemoryStatusNotifier();
  const logs: Array<Record<string, unknown>> = [];
  const rawLogs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) {
        if (!line.trim()) continue;
        rawLogs.push(line);
        logs.push(JSON.parse(line));
      }
      done();
    },
  });
  // The production logger with its production default (recipient addresses redacted).
  const logger = createLogger({ level: 'debug', name: 'contract-audit', destination });
  const runtime = createEmailEngine(
    { store, queue, transport, templates: new InMemoryTemplateSource([WELCOME]), notifier, logger },
    { from: 'noreply@example.com', version: '9.9.9-audit', retryBaseMs: 10, retryCapMs: 20 },
  );
  runtime.startRelay();
  const worker: Worker = await startWorker({ engine: runtime, queue, concurrency: 2, logger });
  const server: RunningHttpServer = await startHttpServer(createApp({ engine: runtime, logger }), {
    port: 0,
    host: '127.0.0.1',
    logger,
  });
  const baseUrl = `http://127.0.0.1:${server.port}`;
  const call: Service['call'] = async (path, init) => {
    const response = await fetch(`${baseUrl}${path}`, init);
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    baseUrl,
    store,
    queue,
    transport,
    notifier,
    runtime,
    logs,
    rawLogs,
    call,
    post: (body, headers = {}) =>
      call('/api/v1/notifications/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async close() {
      await server.close();
      await worker.stop();
      await runtime.stop();
    },
  };
}

async function statusOf(service: Service, requestId: string): Promise<JsonBody> {
  return (await service.call(`/api/v1/notifications/${encodeURIComponent(requestId)}/`)).body.data;
}

async function untilStatus(service: Service, requestId: string, status: string): Promise<JsonBody> {
  let last: JsonBody;
  await until(
    async () => {
      last = await statusOf(service, requestId);
      return last?.status === status;
    },
    5000,
    `${requestId} ${status}`,
  );
  return last;
}

/** Asserts the exact envelope of a failure, and that nothing internal leaks. */
function expectFailureEnvelope(
  res: { status: number; headers: Headers; body: JsonBody },
  code: string,
  withDetails: boolean,
): void {
  expect(Object.keys(res.body).sort(), `${code} keys`).toEqual(ENVELOPE_KEYS);
  expect(res.body).toMatchObject({ success: false, data: null, meta: null, error: { code } });
  expect(typeof res.body.message).toBe('string');
  expect(res.body.message.length).toBeGreaterThan(0);
  const errorKeys = Object.keys(res.body.error).sort();
  expect(errorKeys, `${code} error keys`).toEqual(
    withDetails ? ['code', 'details', 'message'] : ['code', 'message'],
  );
  if (withDetails) {
    expect(res.body.error.details.length).toBeGreaterThan(0);
    for (const detail of res.body.error.details) {
      expect(Object.keys(detail).sort()).toEqual(['message', 'path']);
      expect(detail.path).toMatch(/^[a-z_]+(\.[A-Za-z0-9_]+)*$/);
    }
  }
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('x-request-id')).toBeTruthy();
  expect(JSON.stringify(res.body)).not.toMatch(/\bat \S+ \(|\.ts:\d+|node_modules|Error:/);
}

describe('audit: every failure status is answered in the envelope, with X-Request-ID', () => {
  let plain: ApiHarness;
  let keyed: ApiHarness;
  let limited: ApiHarness;
  let broken: ApiHarness;
  let small: ApiHarness;
  beforeAll(async () => {
    [plain, keyed, limited, broken, small] = await Promise.all([
      startApi(),
      startApi({ apiKeys: ['audit-key-0123456789abcdef'] }),
      startApi({ rateLimiter: new InMemoryRateLimiter({ ratePerSecond: 0.001, burst: 1 }) }),
      startApi({
        wrapEngine: (engine) => ({
          ...engine,
          getNotification: async () => {
            throw new Error('db exploded at /srv/app/secret.ts:12');
          },
          acceptNotification: engine.acceptNotification.bind(engine),
          listNotifications: engine.listNotifications.bind(engine),
          health: engine.health.bind(engine),
        }),
      }),
      startApi({ bodyLimitBytes: 2048 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([plain, keyed, limited, broken, small].map((h) => h?.close()));
  });

  it('400, 401, 404, 405, 413, 415, 422, 429, 500 and 503: one envelope, details only for field errors', async () => {
    const json = { 'Content-Type': 'application/json' };
    expectFailureEnvelope(
      await plain.call('/api/v1/notifications/', { method: 'POST', headers: json, body: '{"a":' }),
      'MALFORMED_JSON',
      false,
    );
    expectFailureEnvelope(await keyed.call('/api/v1/notifications/list/'), 'UNAUTHORIZED', false);
    expectFailureEnvelope(await plain.call('/api/v1/nothing-here'), 'NOT_FOUND', false);
    expectFailureEnvelope(await plain.call('/api/v1/notifications/nope/'), 'NOT_FOUND', false);
    const notAllowed = await plain.call('/api/v1/notifications/', { method: 'DELETE' });
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers.get('allow')).toContain('POST');
    expectFailureEnvelope(notAllowed, 'METHOD_NOT_ALLOWED', false);
    const big = await small.post(validBody({ metadata: { pad: 'x'.repeat(4096) } }));
    expect(big.status).toBe(413);
    expectFailureEnvelope(big, 'PAYLOAD_TOO_LARGE', false);
    const media = await plain.call('/api/v1/notifications/', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(media.status).toBe(415);
    expectFailureEnvelope(media, 'UNSUPPORTED_MEDIA_TYPE', false);
    const invalid = await plain.post(validBody({ priority: 0 }));
    expect(invalid.status).toBe(422);
    expectFailureEnvelope(invalid, 'VALIDATION_FAILED', true);
    const badQuery = await plain.call('/api/v1/notifications/list/?limit=1000');
    expect(badQuery.status).toBe(422);
    expectFailureEnvelope(badQuery, 'VALIDATION_FAILED', true);
    const reused = validBody();
    await plain.post(reused);
    const reuse = await plain.post({ ...reused, priority: 99 });
    expect(reuse.status).toBe(422);
    expectFailureEnvelope(reuse, 'IDEMPOTENCY_KEY_REUSED', true);
    expect(reuse.body.error.details.map((d: JsonBody) => d.path)).toEqual(['request_id']);

    expect((await limited.post(validBody({ user_id: 'audit-limited' }))).status).toBe(202);
    const tooMany = await limited.post(validBody({ user_id: 'audit-limited' }));
    expect(tooMany.status).toBe(429);
    expect(Number(tooMany.headers.get('retry-after'))).toBeGreaterThan(0);
    expectFailureEnvelope(tooMany, 'RATE_LIMITED', false);

    const internal = await broken.call('/api/v1/notifications/any-id/');
    expect(internal.status).toBe(500);
    expectFailureEnvelope(internal, 'INTERNAL', false);
    expect(JSON.stringify(internal.body)).not.toContain('exploded');

    plain.store.setAvailable(false);
    try {
      const down = await plain.post(validBody());
      expect(down.status).toBe(503);
      expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
      expectFailureEnvelope(down, 'UNAVAILABLE', false);
    } finally {
      plain.store.setAvailable(true);
    }
  });

  it('echoes the caller X-Request-ID on success and failure alike', async () => {
    for (const [path, init] of [
      ['/health/', undefined],
      ['/api/v1/notifications/list/', undefined],
      ['/api/v1/notifications/unknown-audit/', undefined],
      ['/api/v1/notifications/', { method: 'PATCH' }],
    ] as const) {
      const res = await plain.call(path, { ...init, headers: { 'X-Request-ID': 'audit-echo-1' } });
      expect(res.headers.get('x-request-id'), path).toBe('audit-echo-1');
    }
  });
});

describe('audit: a notification through API, queue, worker, mail and callback', () => {
  let service: Service;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await service?.close();
  });

  it('one correlation id from X-Request-ID to the log lines, the email headers and the callback', async () => {
    const body = validBody({ metadata: { campaign_id: 'campaign-123', nested: { a: [1, 2] } } });
    const requestId = body.request_id as string;
    const accepted = await service.post(body, { 'X-Request-ID': 'audit-corr-0001' });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('x-request-id')).toBe('audit-corr-0001');
    const taskId = accepted.body.data.task_id as string;
    await untilStatus(service, requestId, 'delivered');
    await until(() => service.notifier.events.some((e) => e.request_id === requestId), 2000, 'callback');

    const mail = service.transport.sent.find((m) => m.headers?.['X-Request-ID'] === requestId);
    expect(mail?.headers?.['X-Correlation-ID']).toBe('audit-corr-0001');
    const event = service.notifier.events.find((e) => e.request_id === requestId);
    expect(event?.correlation_id).toBe('audit-corr-0001');

    // Every line about this notification, from the HTTP layer, the engine and the worker, carries it
    // (the test's own status polls are other requests, with correlation ids of their own).
    const lines = service.logs.filter((l) => l.request_id === requestId && l.method !== 'GET');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(line.correlation_id, JSON.stringify(line)).toBe('audit-corr-0001');
    const messages = lines.map((l) => String(l.message).toLowerCase());
    expect(messages.some((m) => m.includes('accepted'))).toBe(true);
    expect(messages.some((m) => m.includes('delivered'))).toBe(true);
    expect(lines.some((l) => l.task_id === taskId)).toBe(true);
    for (const line of lines) {
      expect(line).toMatchObject({ level: expect.stringMatching(/^[A-Z]+$/), logger: expect.any(String) });
      expect(line.timestamp).toMatch(ISO_UTC);
      expect(typeof line.message).toBe('string');
    }
  });

  it('a generated X-Request-ID is the correlation id when the client sends none', async () => {
    const body = validBody();
    const accepted = await service.post(body);
    const generated = accepted.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    await untilStatus(service, body.request_id as string, 'delivered');
    const mail = service.transport.sent.find((m) => m.headers?.['X-Request-ID'] === body.request_id);
    expect(mail?.headers?.['X-Correlation-ID']).toBe(generated);
  });

  it('logs a request the HTTP parser refused in one short line, without its bytes', async () => {
    const { port } = new URL(service.baseUrl);
    const before = service.rawLogs.length;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', reject);
      socket.on('close', () => resolve());
      socket.resume();
      socket.end(
        'POST /api/v1/notifications/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer audit-secret-key-0123456789\r\n' +
          'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{"email":"leak@audit.example"}\r\n0\r\n\r\n',
      );
    });
    await until(
      () => service.rawLogs.slice(before).some((l) => l.includes('Malformed HTTP request refused')),
      5000,
    );
    const lines = service.rawLogs.slice(before).join('\n');
    expect(lines).not.toContain('audit-secret-key');
    expect(lines).not.toContain('leak@audit.example');
    expect(lines).not.toContain('rawPacket');
    expect(lines).not.toMatch(/"stack"/);
  });

  it('never writes a recipient address into the logs by default', async () => {
    const body = validBody({ variables: { email: 'private.person@audit.example', name: 'P' } });
    await service.post(body);
    await untilStatus(service, body.request_id as string, 'delivered');
    await service.call(`/api/v1/notifications/${body.request_id}/`);
    await service.call('/api/v1/notifications/list/?user_id=user-1');
    expect(service.rawLogs.join('\n')).not.toContain('private.person@audit.example');
  });

  it('status, list and callback echo the metadata; times are ISO-8601 UTC with Z', async () => {
    const metadata = { campaign_id: 'campaign-echo', tags: ['a', 'b'], deep: { x: { y: 1 } } };
    const body = validBody({ user_id: 'audit-echo-user', metadata });
    const accepted = await service.post(body);
    const view = await untilStatus(service, body.request_id as string, 'delivered');
    expect(Object.keys(view).sort()).toEqual(
      [
        'request_id',
        'task_id',
        'user_id',
        'to_email',
        'template_code',
        'status',
        'attempts',
        'error',
        'priority',
        'metadata',
        'created_at',
        'updated_at',
        'delivered_at',
      ].sort(),
    );
    expect(view).toMatchObject({
      task_id: accepted.body.data.task_id,
      to_email: 'ada@example.com',
      attempts: 1,
      error: null,
      priority: 10,
      metadata,
    });
    for (const key of ['created_at', 'updated_at', 'delivered_at']) expect(view[key], key).toMatch(ISO_UTC);

    const list = await service.call('/api/v1/notifications/list/?user_id=audit-echo-user');
    expect(list.body.data[0].metadata).toEqual(metadata);
    for (const key of ['created_at', 'updated_at']) expect(list.body.data[0][key]).toMatch(ISO_UTC);

    await until(
      () => service.notifier.events.some((e) => e.request_id === body.request_id),
      2000,
      'callback',
    );
    const event = service.notifier.events.find((e) => e.request_id === body.request_id);
    expect(event).toMatchObject({
      notification_id: accepted.body.data.task_id,
      request_id: body.request_id,
      status: 'delivered',
      error: null,
      attempts: 1,
      metadata,
    });
    expect(event?.timestamp).toMatch(ISO_UTC);

    const health = await service.call('/health/');
    expect(health.body.data.timestamp).toMatch(ISO_UTC);
  });

  it('a permanent failure: status failed with the error, in the dead letters, and the callback says failed', async () => {
    const body = validBody({ template_code: 'no_such_template', metadata: { k: 'v' } });
    await service.post(body);
    const view = await untilStatus(service, body.request_id as string, 'failed');
    expect(view.error).toEqual(expect.any(String));
    expect(view.delivered_at).toBeNull();
    expect(service.queue.deadLetters.some((d) => d.requestId === body.request_id && d.attempts === 1)).toBe(
      true,
    );
    await until(
      () => service.notifier.events.some((e) => e.request_id === body.request_id),
      2000,
      'callback',
    );
    expect(service.notifier.events.find((e) => e.request_id === body.request_id)).toMatchObject({
      status: 'failed',
      error: expect.any(String),
      metadata: { k: 'v' },
    });
  });

  it('a replay answers 202 with the same task_id, the current status, Idempotent-Replayed: true, and no second email', async () => {
    const body = validBody({ variables: { name: 'Ada', email: 'ada@example.com' } });
    const requestId = body.request_id as string;
    const first = await service.post(body);
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    await untilStatus(service, requestId, 'delivered');

    // The same payload four ways: verbatim, keys reordered, the default priority spelt out, the
    // key moved to the Idempotency-Key header.
    const { request_id: _omit, ...withoutKey } = body;
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const variants: Array<[unknown, Record<string, string>]> = [
      [body, {}],
      [{ ...reordered, variables: { email: 'ada@example.com', name: 'Ada' } }, {}],
      [{ ...body, priority: 10 }, {}],
      [withoutKey, { 'Idempotency-Key': requestId }],
      [body, { 'Idempotency-Key': requestId }],
    ];
    for (const [payload, headers] of variants) {
      const replay = await service.post(payload, headers);
      expect(replay.status, JSON.stringify(payload)).toBe(202);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.message).toBe('Notification already accepted');
      expect(replay.body.data).toEqual({
        request_id: requestId,
        task_id: first.body.data.task_id,
        status: 'delivered',
      });
    }
    const different = await service.post({ ...body, metadata: { changed: true } });
    expect(different.status).toBe(422);
    expect(different.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(service.transport.sent.filter((m) => m.headers?.['X-Request-ID'] === requestId)).toHaveLength(1);
  });

  it('metadata is limited to 16 KiB of JSON counted in UTF-8 bytes, and nesting to 32 levels', async () => {
    // {"x":"…"} is 8 bytes of frame; "é" is two bytes in UTF-8.
    const exact = { x: 'é'.repeat((16 * 1024 - 8) / 2) };
    expect(Buffer.byteLength(JSON.stringify(exact))).toBe(16 * 1024);
    expect((await service.post(validBody({ metadata: exact }))).status).toBe(202);
    const over = await service.post(validBody({ metadata: { x: `${exact.x}é` } }));
    expect(over.status).toBe(422);
    expect(over.body.error.details).toEqual([
      { path: 'metadata', message: expect.stringContaining('16 KiB') },
    ]);

    const nest = (levels: number): Record<string, unknown> => {
      let value: Record<string, unknown> = {};
      for (let i = 1; i < levels; i++) value = { a: value };
      return value;
    };
    expect((await service.post(validBody({ metadata: nest(32) }))).status).toBe(202);
    const deepMeta = await service.post(validBody({ metadata: nest(33) }));
    expect(deepMeta.status).toBe(422);
    expect(deepMeta.body.error.details.map((d: JsonBody) => d.path)).toEqual(['metadata']);
    const okVars = { email: 'ada@example.com', deep: nest(31) };
    expect((await service.post(validBody({ variables: okVars }))).status).toBe(202);
    const deepVars = await service.post(
      validBody({ variables: { email: 'ada@example.com', deep: nest(32) } }),
    );
    expect(deepVars.status).toBe(422);
    expect(deepVars.body.error.details.map((d: JsonBody) => d.path)).toEqual(['variables']);
  });

  it('list: "Retrieved N notifications" with N the items on this page, and the meta of the page', async () => {
    const user = `audit-list-${Date.now()}`;
    for (let i = 0; i < 3; i++) expect((await service.post(validBody({ user_id: user }))).status).toBe(202);
    const page2 = await service.call(`/api/v1/notifications/list/?user_id=${user}&limit=2&page=2`);
    expect(page2.status).toBe(200);
    expect(page2.body.message).toBe('Retrieved 1 notification');
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.meta).toEqual({
      total: 3,
      limit: 2,
      page: 2,
      total_pages: 2,
      has_next: false,
      has_previous: true,
    });
    const page1 = await service.call(`/api/v1/notifications/?user_id=${user}&limit=2`);
    expect(page1.body.message).toBe('Retrieved 2 notifications');
    expect(page1.body.meta).toMatchObject({ has_next: true, has_previous: false });
  });
});
