import { NotifyError, verifyWebhookSignature, type WebhookRequest } from '@notify/email-core';
import { describe, expect, it } from 'vitest';
import { harnessStoppedAfterEach, rejectionOf } from './use-case-harness.js';

const harness = harnessStoppedAfterEach();

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** A harness with one endpoint subscribed to `events`; its id and secret. */
async function withEndpoint(options: Parameters<typeof harness>[0] = {}, events = ['*']) {
  const h = harness(options);
  const created = await h.engine.createWebhook({ url: 'https://hooks.example.com/in', events });
  return { h, webhookId: created.id, secret: created.secret };
}

function verifies(secret: string, request: WebhookRequest | undefined, now: Date): boolean {
  if (request === undefined) return false;
  return verifyWebhookSignature({ secret, headers: request.headers, body: request.body, now: now.getTime() });
}

describe('webhook deliveries: the outbox sent, signed, retried on the schedule', () => {
  it('sends each event once, signed the Standard Webhooks way, with the event as the body', async () => {
    const { h, secret } = await withEndpoint({ options: { version: '1.2.3' } });
    await h.accept({ request_id: 'wh-signed' });
    const [accepted] = await h.engine.getTimeline('wh-signed');
    expect(await h.engine.dispatchWebhooks()).toBe(1);
    const [request, ...more] = h.sender.requests;
    expect(more).toEqual([]);
    expect(request?.url).toBe('https://hooks.example.com/in');
    expect(request?.timeoutMs).toBe(15_000);
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'notify-email/1.2.3',
      'webhook-id': accepted?.id,
      'webhook-timestamp': String(Math.floor(h.clock.now().getTime() / 1000)),
    });
    expect(verifies(secret, request, h.clock.now())).toBe(true);
    expect(verifies('whsec_d3Jvbmcgc2VjcmV0IHdyb25nIHNlY3JldA==', request, h.clock.now())).toBe(false);
    expect(JSON.parse(request?.body ?? '')).toEqual(accepted);
    expect(await h.engine.dispatchWebhooks()).toBe(0);
  });

  it('a receiver that answers 500 twice gets the event on the third attempt, with the same webhook-id', async () => {
    const { h, webhookId } = await withEndpoint();
    h.sender.answer(500, 500, 204);
    await h.accept({ request_id: 'wh-retry' });
    await h.engine.dispatchWebhooks();
    h.clock.advance(5 * SECOND - 1);
    expect(await h.engine.dispatchWebhooks()).toBe(0);
    h.clock.advance(1);
    expect(await h.engine.dispatchWebhooks()).toBe(1);
    h.clock.advance(5 * MINUTE);
    expect(await h.engine.dispatchWebhooks()).toBe(1);
    const ids = h.sender.requests.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
    expect(ids).toHaveLength(3);
    const [delivery] = (await h.engine.listDeliveries(webhookId, {})).items;
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, last_response_status: 204 });
    const detail = await h.engine.getDelivery(webhookId, delivery!.id);
    expect(detail.attempt_log.map((a) => [a.attempt, a.response_status, a.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 500, 'HTTP 500'],
      [3, 204, null],
    ]);
  });

  it('fails a delivery once the schedule is spent; recover and retry send it again', async () => {
    const { h, webhookId } = await withEndpoint({ options: { webhooks: { retryScheduleMs: [SECOND] } } });
    h.sender.otherwise('refuse');
    const since = h.clock.now().toISOString();
    await h.accept({ request_id: 'wh-fail' });
    await h.engine.dispatchWebhooks();
    h.clock.advance(SECOND);
    await h.engine.dispatchWebhooks();
    const [failed] = (await h.engine.listDeliveries(webhookId, { status: 'failed' })).items;
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 2,
      next_attempt_at: null,
      last_response_status: null,
      last_error: 'UNAVAILABLE: ECONNREFUSED: connection refused',
    });
    h.clock.advance(MINUTE);
    expect(await h.engine.dispatchWebhooks()).toBe(0);
    h.sender.otherwise(200);
    expect(await h.engine.recoverDeliveries(webhookId, { since })).toEqual({ recovered: 1, since });
    expect(await h.engine.dispatchWebhooks()).toBe(1);
    expect((await h.engine.getDelivery(webhookId, failed!.id)).status).toBe('succeeded');
    const retried = await h.engine.retryDelivery(webhookId, failed!.id);
    expect(retried).toMatchObject({ status: 'pending', next_attempt_at: h.clock.now().toISOString() });
    expect(await h.engine.dispatchWebhooks()).toBe(1);
    expect(h.sender.requests.map((r) => r.headers['webhook-id'])).toEqual(Array(4).fill(failed!.event_id));
  });

  it('signs with both secrets for a day after a rotation, then with the new one only', async () => {
    const { h, webhookId, secret: old } = await withEndpoint();
    const { secret } = await h.engine.rotateWebhookSecret(webhookId);
    await h.accept();
    await h.engine.dispatchWebhooks();
    const during = h.sender.requests[0];
    expect(during?.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verifies(secret, during, h.clock.now())).toBe(true);
    expect(verifies(old, during, h.clock.now())).toBe(true);
    h.clock.advance(24 * 60 * MINUTE);
    await h.accept();
    await h.engine.dispatchWebhooks();
    const after = h.sender.requests[1];
    expect(after?.headers['webhook-signature']?.split(' ')).toHaveLength(1);
    expect(verifies(old, after, h.clock.now())).toBe(false);
    expect(verifies(secret, after, h.clock.now())).toBe(true);
  });

  it('sends only the types an endpoint subscribed to; a test event reaches it whatever they are', async () => {
    const { h, webhookId } = await withEndpoint({}, ['notification.delivered']);
    const message = await h.accept({ request_id: 'wh-types' });
    await h.engine.dispatchWebhooks();
    expect(h.sender.requests).toEqual([]);
    await h.engine.processNotification(message);
    const test = await h.engine.testWebhook(webhookId);
    expect(test).toMatchObject({ event_type: 'webhook.test', status: 'pending', attempts: 0 });
    expect(await h.engine.dispatchWebhooks()).toBe(2);
    expect(
      h.sender
        .bodies()
        .map((b) => b.type)
        .sort(),
    ).toEqual(['notification.delivered', 'webhook.test']);
    expect(h.sender.bodies().find((b) => b.type === 'webhook.test')?.data).toMatchObject({
      webhook_id: webhookId,
    });
  });

  it('disables an endpoint whose attempts have all failed for WEBHOOK_DISABLE_AFTER; enabling restarts the clock', async () => {
    const { h, webhookId } = await withEndpoint({
      options: { webhooks: { disableAfterMs: 10 * MINUTE, retryScheduleMs: Array(20).fill(MINUTE) } },
    });
    h.sender.otherwise(503);
    await h.accept();
    await h.engine.dispatchWebhooks();
    const failingSince = h.clock.now().toISOString();
    for (let i = 0; i < 9; i++) {
      h.clock.advance(MINUTE);
      await h.engine.dispatchWebhooks();
    }
    expect(await h.engine.getWebhook(webhookId)).toMatchObject({
      enabled: true,
      failing_since: failingSince,
    });
    h.clock.advance(MINUTE);
    await h.engine.dispatchWebhooks();
    expect(await h.engine.getWebhook(webhookId)).toMatchObject({
      enabled: false,
      failing_since: failingSince,
    });
    h.clock.advance(MINUTE);
    expect(await h.engine.dispatchWebhooks()).toBe(0);
    expect(await h.engine.updateWebhook(webhookId, { enabled: true })).toMatchObject({
      enabled: true,
      failing_since: null,
    });
    h.sender.otherwise(204);
    expect(await h.engine.dispatchWebhooks()).toBe(1);
  });

  it('names the bad parameter, and an unknown webhook or delivery is NOT_FOUND', async () => {
    const { h, webhookId } = await withEndpoint();
    const badStatus = await rejectionOf(h.engine.listDeliveries(webhookId, { status: 'done' }));
    expect(badStatus).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'status' }] });
    const badSince = await rejectionOf(h.engine.recoverDeliveries(webhookId, { since: 'yesterday' }));
    expect(badSince).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'since' }] });
    const extra = await rejectionOf(
      h.engine.recoverDeliveries(webhookId, { since: '2030-01-01T00:00:00Z', x: 1 }),
    );
    expect(extra).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'x' }] });
    for (const call of [
      h.engine.listDeliveries('wh_nope', {}),
      h.engine.testWebhook('wh_nope'),
      h.engine.getDelivery(webhookId, 'whd_nope'),
      h.engine.retryDelivery(webhookId, 'whd_nope'),
      h.engine.recoverDeliveries('wh_nope', { since: '2030-01-01T00:00:00Z' }),
    ]) {
      expect(await rejectionOf(call)).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('a store that cannot record an attempt leaves the delivery to be sent again, not lost', async () => {
    const { h, webhookId } = await withEndpoint();
    await h.accept();
    const record = h.store.deliveries.record.bind(h.store.deliveries);
    h.store.deliveries.record = async () => {
      throw new NotifyError('STORE_UNAVAILABLE', 'down');
    };
    expect(await h.engine.dispatchWebhooks()).toBe(1);
    h.store.deliveries.record = record;
    expect(await h.engine.dispatchWebhooks()).toBe(0);
    h.clock.advance(45 * SECOND);
    expect(await h.engine.dispatchWebhooks()).toBe(1);
    const [delivery] = (await h.engine.listDeliveries(webhookId, {})).items;
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(new Set(h.sender.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
  });

  it('startWebhookDispatcher without a sender is CONFIG_INVALID', async () => {
    const {
      createEmailEngine,
      InMemoryMailTransport,
      InMemoryNotificationQueue,
      InMemoryNotificationStore,
      InMemoryTemplateSource,
    } = await import('@notify/email-core');
    const engine = createEmailEngine(
      {
        store: new InMemoryNotificationStore(),
        queue: new InMemoryNotificationQueue(),
        transport: new InMemoryMailTransport(),
        templates: new InMemoryTemplateSource([]),
      },
      { from: 'no-reply@example.test' },
    );
    expect(() => engine.startWebhookDispatcher()).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    await engine.stop();
  });
});
