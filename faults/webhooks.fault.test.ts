import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../test-support/stack.js';
import { until } from '../test-support/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../test-support/webhook-receiver.js';
import { Ledger } from './support/ledger.js';
import { FAST_TIMINGS } from './support/timings.js';

// Webhooks on the real stack: notify-api and two notify-worker processes on PostgreSQL, RabbitMQ
// and an SMTP peer, and a receiver on loopback (hence WEBHOOK_ALLOW_PRIVATE_NETWORKS). The
// schedule is shortened (WEBHOOK_RETRY_SCHEDULE) so a retry takes a second, not five.
const WEBHOOK_TIMINGS: Record<string, string> = {
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOK_POLL_INTERVAL_MS: '100',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_RETRY_SCHEDULE: '1s,2s,3s,5s,5s,10s,10s,20s',
};

describe('webhooks on the real stack', () => {
  let stack: Stack;
  let receiver: WebhookReceiver;
  const endpoints: string[] = [];

  beforeAll(async () => {
    [stack, receiver] = await Promise.all([
      startStack({ env: { ...FAST_TIMINGS, ...WEBHOOK_TIMINGS } }),
      startWebhookReceiver(),
    ]);
  });
  afterEach(async () => {
    for (const id of endpoints.splice(0)) await api('DELETE', `/api/v1/webhooks/${id}/`);
    receiver.mode({ kind: 'answer', status: 204 });
    receiver.received.length = 0;
  });
  afterAll(async () => {
    await Promise.all([stack?.stop(), receiver?.close()]);
  });

  async function api(method: string, path: string, body?: unknown) {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: stack.headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const envelope = (await response.json()) as { data: Record<string, unknown> & { secret?: string } };
    return { status: response.status, data: envelope.data };
  }

  async function subscribe(url: string, events: string[]): Promise<{ id: string; secret: string }> {
    const { status, data } = await api('POST', '/api/v1/webhooks/', { url, events });
    expect(status).toBe(201);
    endpoints.push(String(data.id));
    return { id: String(data.id), secret: String(data.secret) };
  }

  /** The events received for one notification, by type. */
  const typesFor = (requestId: string) =>
    receiver.received.filter((r) => r.event.data.request_id === requestId).map((r) => r.event.type);

  it('a receiver gets accepted then delivered, and failed for a 550 recipient, every one signed', async () => {
    const { secret } = await subscribe(receiver.url, ['*']);
    stack.smtp.rejectRecipients((address) => address.startsWith('bounce'), 550, '5.1.1 no such user');
    const ledger = new Ledger(stack, 'webhooks-e2e');
    const good = await ledger.send();
    const bad = await ledger.send({ email: () => 'bounce@faults.test' });
    expect([good.answer, bad.answer]).toEqual([202, 202]);
    await until(
      () =>
        typesFor(good.requestId).includes('notification.delivered') &&
        typesFor(bad.requestId).includes('notification.failed'),
      30_000,
      'delivered and failed events at the receiver',
    );
    expect(typesFor(good.requestId)).toEqual(['notification.accepted', 'notification.delivered']);
    expect(typesFor(bad.requestId)).toEqual(['notification.accepted', 'notification.failed']);
    expect(receiver.allSigned(secret)).toBe(true);
    expect(receiver.allSigned('whsec_bm90IHRoZSBzZWNyZXQgb2YgdGhpcyBlbmRwb2ludA==')).toBe(false);
    for (const request of receiver.received) {
      expect(request.id).toBe(request.event.id);
      expect(request.headers['user-agent']).toMatch(/^notify-email\/\d+\.\d+\.\d+/);
      expect(request.headers['content-type']).toBe('application/json');
    }
    const failed = receiver.received.find((r) => r.event.type === 'notification.failed');
    expect(failed?.event.data).toMatchObject({ status: 'failed', detail: { code: 'SMTP_PERMANENT' } });
  });

  it('a receiver that answers 500 twice gets the event on the third attempt, with the same webhook-id', async () => {
    const { id } = await subscribe(receiver.url, ['notification.delivered']);
    receiver.mode({ kind: 'fail-first', times: 2, status: 500 });
    const ledger = new Ledger(stack, 'webhooks-500');
    const { requestId } = await ledger.send();
    await until(() => receiver.received.some((r) => r.status === 204), 30_000, 'a 204 after two 500s');
    const attempts = receiver.received.filter((r) => r.event.data.request_id === requestId);
    expect(attempts.map((r) => r.status)).toEqual([500, 500, 204]);
    expect(new Set(attempts.map((r) => r.id)).size).toBe(1);
    // The schedule: 1 s, then 2 s.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(1_900);
    const log = await api('GET', `/api/v1/webhooks/${id}/deliveries/`);
    expect(log.status).toBe(200);
    const [delivery] = log.data as unknown as Array<Record<string, unknown>>;
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, last_response_status: 204 });
    const detail = await api('GET', `/api/v1/webhooks/${id}/deliveries/${delivery!.id}/`);
    expect(
      (detail.data.attempt_log as Array<{ response_status: number }>).map((a) => a.response_status),
    ).toEqual([500, 500, 204]);
  });

  it('a receiver that never answers does not slow mail delivery (delivered/s with and without it)', async () => {
    const rate = async (scenario: string) => {
      const ledger = new Ledger(stack, scenario);
      ledger.startClock();
      await ledger.burst({ count: 400, concurrency: 16 });
      const drainMs = await ledger.drain(120_000);
      return (ledger.accepted.size / drainMs) * 1000;
    };
    const without = await rate('webhooks-none');
    receiver.mode({ kind: 'hang' });
    await subscribe(receiver.url, ['*']);
    const withHanging = await rate('webhooks-hanging');
    const hung = receiver.received.length;
    process.stderr.write(
      `\nWEBHOOK-FIGURES mail with no endpoint: ${without.toFixed(0)} delivered/s; with an endpoint that never answers: ${withHanging.toFixed(0)} delivered/s (${hung} webhook attempts left hanging)\n`,
    );
    expect(hung).toBeGreaterThan(0);
    // Noisy on a shared 2-core machine; a receiver that held the mail path up would stall it
    // outright (each attempt hangs for WEBHOOK_TIMEOUT_MS).
    expect(withHanging).toBeGreaterThan(without * 0.5);
  });

  it('kill -9 of a worker with 500 deliveries pending and the receiver down for 10 s: every event arrives', async () => {
    // The outage: 5 s of a receiver that takes requests and never answers (so the victim dies
    // holding leases on attempts in flight), then 5 s of one that refuses connections.
    receiver.mode({ kind: 'hang' });
    const outageStart = Date.now();
    const { id } = await subscribe(receiver.url, ['notification.accepted']);
    const ledger = new Ledger(stack, 'webhooks-kill9');
    await ledger.burst({ count: 500, concurrency: 16 });
    expect(ledger.accepted.size).toBe(500);
    const count = async (where: string, params: unknown[] = []) => {
      const [row] = await stack.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND ${where}`,
        [id, ...params],
      );
      return row?.n ?? 0;
    };
    await until(async () => (await count('true')) >= 500, 30_000, '500 deliveries in the outbox');
    expect(await count("status = 'pending'")).toBe(500);
    const victim = stack.workers[0]!;
    const leasedByVictim = () =>
      count('lease_owner LIKE $2 AND lease_until > now()', [`%:${victim.pid}:webhooks:%`]);
    await until(async () => (await leasedByVictim()) >= 8, 20_000, 'the victim to hold delivery leases');
    const stranded = await leasedByVictim();
    expect((await victim.kill9()).signal).toBe('SIGKILL');
    await until(() => Date.now() - outageStart >= 5_000, 10_000, 'five seconds of a hanging receiver');
    await receiver.down();
    receiver.mode({ kind: 'answer', status: 204 });
    await until(() => Date.now() - outageStart >= 10_000, 10_000, 'five more seconds of a refusing receiver');
    await receiver.up();
    await victim.start();
    const expected = await stack.query<{ id: string }>(
      "SELECT id FROM notification_events WHERE type = 'notification.accepted' AND request_id = ANY($1)",
      [[...ledger.accepted]],
    );
    expect(expected).toHaveLength(500);
    await until(
      () => {
        const answered = receiver.countsById(true);
        return expected.every(({ id: eventId }) => answered.has(eventId));
      },
      120_000,
      'every accepted event answered 2xx at the receiver',
    );
    await until(
      async () => (await count("status = 'succeeded'")) === 500,
      30_000,
      'every delivery succeeded',
    );
    const answered = receiver.countsById(true);
    const duplicates = expected.reduce((sum, { id: eventId }) => sum + (answered.get(eventId) ?? 0) - 1, 0);
    process.stderr.write(
      `\nWEBHOOK-FIGURES kill9: events=500 received=${answered.size} lost=0 duplicates=${duplicates} ` +
        `victim-held-leases=${stranded} attempts=${receiver.received.length}\n`,
    );
    expect(answered.size).toBe(500);
  });
});
