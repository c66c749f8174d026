import type { StatusEvent } from '@notify/email-core';
import { sampleStatusEvent } from '@notify/email-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../test-support/wait.js';
import {
  createWebhookNotifier,
  verifyWebhookSignature,
  type WebhookNotifier,
  type WebhookNotifierOptions,
} from '../src/index.js';
import { type Handler, json, type LocalHttpServer, startLocalHttpServer } from './local-http-server.js';

const SECRET = 'whsec_c2VjcmV0LWZvci10ZXN0cy0xMjM0NTY3ODkw';
let server: LocalHttpServer | undefined;
let notifier: WebhookNotifier | undefined;

afterEach(async () => {
  await notifier?.close();
  await server?.close();
  notifier = undefined;
  server = undefined;
});

async function setup(handler: Handler, options: Partial<WebhookNotifierOptions> = {}) {
  server = await startLocalHttpServer(handler);
  notifier = createWebhookNotifier({
    url: `${server.origin}/hooks/email-status`,
    retry: { initialDelayMs: 50, maxDelayMs: 500 },
    closeTimeoutMs: 1_000,
    ...options,
  });
  return { server, notifier };
}

const ok: Handler = (_r, response) => json(response, 200, { received: true });

describe('WebhookNotifier', () => {
  it('POSTs the status event as JSON, unsigned without a secret', async () => {
    const { server, notifier } = await setup(ok);
    const event = sampleStatusEvent();
    await notifier.notify(event);
    await until(() => server.requests.length === 1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/hooks/email-status' });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['webhook-id']).toMatch(/^msg_/);
    expect(request?.headers['webhook-signature']).toBeUndefined();
    expect(request?.headers['x-correlation-id']).toBe(event.correlation_id);
    expect(JSON.parse(request!.body) as StatusEvent).toEqual(event);
    await until(() => notifier.pending === 0);
  });

  it('retries a failing endpoint: two 503s then 200 make three signed requests with one webhook-id', async () => {
    let calls = 0;
    const { server, notifier } = await setup(
      (_r, response) => {
        calls += 1;
        json(response, calls <= 2 ? 503 : 204, {});
      },
      { secret: SECRET },
    );
    const event = sampleStatusEvent({ status: 'failed', error: '550 mailbox unknown', attempts: 5 });
    await notifier.notify(event);
    await until(() => server.requests.length === 3 && notifier.pending === 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.requests).toHaveLength(3);
    const ids = new Set(server.requests.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const request of server.requests) {
      expect(JSON.parse(request.body)).toEqual(event);
      expect(verifyWebhookSignature({ secret: SECRET, headers: request.headers, body: request.body })).toBe(
        true,
      );
      expect(
        verifyWebhookSignature({ secret: 'whsec_d3Jvbmc=', headers: request.headers, body: request.body }),
      ).toBe(false);
    }
    // exponential backoff: the second gap is longer than the first
    const [a, b, c] = server.requests.map((r) => r.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(40);
    expect(c - b).toBeGreaterThanOrEqual(90);
  });

  it('notify returns at once even when the endpoint hangs, and close() is bounded', async () => {
    const { server, notifier } = await setup(() => {}, { closeTimeoutMs: 300 });
    const started = Date.now();
    await notifier.notify(sampleStatusEvent());
    expect(Date.now() - started).toBeLessThan(100);
    await until(() => server.requests.length === 1);
    expect(notifier.pending).toBe(1);

    const closing = Date.now();
    await notifier.close();
    expect(Date.now() - closing).toBeLessThan(1_000);
  });

  it('close() waits for a delivery in flight', async () => {
    const { server, notifier } = await setup((_r, response) =>
      setTimeout(() => json(response, 200, {}), 150),
    );
    await notifier.notify(sampleStatusEvent());
    await until(() => server.requests.length === 1);
    await notifier.close();
    expect(notifier.pending).toBe(0);
  });

  it('close() gives an event waiting for its retry one last immediate attempt', async () => {
    let calls = 0;
    const { server, notifier } = await setup(
      (_r, response) => {
        calls += 1;
        json(response, calls === 1 ? 500 : 200, {});
      },
      { retry: { initialDelayMs: 60_000, maxDelayMs: 60_000 } },
    );
    await notifier.notify(sampleStatusEvent());
    await until(() => notifier.retrying === 1);
    expect(server.requests).toHaveLength(1);
    const started = Date.now();
    await notifier.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after the configured attempts', async () => {
    const { server, notifier } = await setup((_r, response) => json(response, 500, {}), {
      retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 20 },
    });
    await notifier.notify(sampleStatusEvent());
    await until(() => server.requests.length === 3 && notifier.pending === 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 4xx other than 408/429', async () => {
    const { server, notifier } = await setup((_r, response) => json(response, 400, {}));
    await notifier.notify(sampleStatusEvent());
    await until(() => server.requests.length === 1 && notifier.pending === 0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(server.requests).toHaveLength(1);
  });

  it('honours Retry-After on 429', async () => {
    let calls = 0;
    const { server, notifier } = await setup(
      (_r, response) => {
        calls += 1;
        if (calls === 1) {
          response.writeHead(429, { 'retry-after': '1' });
          response.end();
        } else json(response, 200, {});
      },
      { retry: { initialDelayMs: 10, maxDelayMs: 5_000 } },
    );
    await notifier.notify(sampleStatusEvent());
    await until(() => server.requests.length === 2);
    const [first, second] = server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('retries while the endpoint refuses connections, and delivers once it listens again', async () => {
    const { server: first, notifier } = await setup(ok, {
      retry: { attempts: 50, initialDelayMs: 20, maxDelayMs: 40 },
    });
    const port = Number(new URL(first.origin).port);
    await first.close();
    const event = sampleStatusEvent();
    await notifier.notify(event);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(notifier.pending).toBe(1);

    server = await startLocalHttpServer(ok, port);
    await until(() => server!.requests.length === 1 && notifier.pending === 0);
    expect(JSON.parse(server.requests[0]!.body)).toEqual(event);
  });

  it('keeps its queue bounded: beyond queueSize new events are dropped, never blocking', async () => {
    const { notifier } = await setup(() => {}, { queueSize: 2, concurrency: 1, closeTimeoutMs: 50 });
    for (let i = 0; i < 5; i += 1) await notifier.notify(sampleStatusEvent());
    expect(notifier.pending).toBe(2);
    expect(notifier.dropped).toBe(3);
  });

  it.each([
    [{ url: 'not a url' }, 'url'],
    [{ url: 'http://h/', secret: '' }, 'secret'],
    [{ url: 'http://h/', retry: { attempts: 0 } }, 'retry.attempts'],
    [{ url: 'http://h/', queueSize: 0 }, 'queueSize'],
    [{ url: 'http://h/', timeoutMs: 1.5 }, 'timeoutMs'],
  ])('%j is CONFIG_INVALID naming %s', (options, key) => {
    expect(() => createWebhookNotifier(options as WebhookNotifierOptions)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', details: [expect.objectContaining({ path: key })] }),
    );
  });
});
