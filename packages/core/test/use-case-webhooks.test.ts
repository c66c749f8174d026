import {
  createEmailEngine,
  InMemoryMailTransport,
  InMemoryNotificationQueue,
  InMemoryNotificationStore,
  InMemoryTemplateSource,
  NotifyError,
  PREVIOUS_SECRET_VALIDITY_MS,
  signingSecrets,
  type WebhookUrlGuard,
} from '@notify/email-core';
import { ManualClock } from '@notify/email-core/testing';
import { afterEach, describe, expect, it } from 'vitest';

/** Refuses one host, as the SSRF guard refuses a private one. */
const guard: WebhookUrlGuard & { asked: string[] } = {
  asked: [],
  async check(url) {
    this.asked.push(url);
    if (new URL(url).hostname === 'internal.example') {
      throw new NotifyError('WEBHOOK_URL_FORBIDDEN', 'resolves to 10.0.0.1 (private)', {
        details: [{ path: 'url', message: 'resolves to 10.0.0.1 (private)' }],
      });
    }
  },
};

const engines: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop();
  guard.asked.length = 0;
});

function setup(withGuard = true) {
  const clock = new ManualClock();
  const store = new InMemoryNotificationStore();
  const webhooks = store.webhooks;
  const engine = createEmailEngine(
    {
      store,
      queue: new InMemoryNotificationQueue(),
      transport: new InMemoryMailTransport(),
      templates: new InMemoryTemplateSource([]),
      ...(withGuard ? { urlGuard: guard } : {}),
      clock,
    },
    { from: 'Notify <no-reply@mail.example.test>' },
  );
  engines.push(engine);
  return { engine, clock, webhooks };
}

const valid = { url: 'https://hooks.example.com/in', events: ['notification.delivered'] };

describe('webhook endpoints', () => {
  it('creates one: a wh_ id, a whsec_ secret of 24 random bytes shown once, the hint elsewhere', async () => {
    const { engine, clock } = setup();
    const created = await engine.createWebhook({ ...valid, description: 'CRM' });
    expect(created).toMatchObject({
      url: valid.url,
      events: ['notification.delivered'],
      description: 'CRM',
      enabled: true,
      created_at: clock.now().toISOString(),
    });
    expect(created.id).toMatch(/^wh_[A-Za-z0-9_-]{16}$/);
    expect(Buffer.from(created.secret.replace(/^whsec_/, ''), 'base64')).toHaveLength(24);
    expect(created.secret_hint).toBe(created.secret.slice(-4));
    const fetched = await engine.getWebhook(created.id);
    expect(fetched).not.toHaveProperty('secret');
    expect(JSON.stringify(fetched)).not.toContain(created.secret);
    expect(guard.asked).toEqual([valid.url]);
  });

  it('names each bad field, and refuses a forbidden URL with the guard’s answer', async () => {
    const { engine } = setup();
    await expect(engine.createWebhook({ url: 'ftp://x.example', events: [] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'url' }, { path: 'events' }],
    });
    await expect(engine.createWebhook({ ...valid, events: ['notification.sent'] })).rejects.toMatchObject({
      details: [{ path: 'events.0' }],
    });
    await expect(engine.createWebhook({ ...valid, secret: 'mine' })).rejects.toMatchObject({
      details: [{ path: 'secret' }],
    });
    await expect(engine.createWebhook([valid])).rejects.toMatchObject({ details: [{ path: 'body' }] });
    await expect(
      engine.createWebhook({ ...valid, url: 'http://internal.example/hook' }),
    ).rejects.toMatchObject({ code: 'WEBHOOK_URL_FORBIDDEN', details: [{ path: 'url' }] });
    expect((await engine.listWebhooks({})).meta.total).toBe(0);
  });

  it('without a URL guard, creating one is a configuration error, never an unchecked URL', async () => {
    const { engine } = setup(false);
    await expect(engine.createWebhook(valid)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('updates, checking a new URL again; lists newest first; deletes', async () => {
    const { engine, clock } = setup();
    const first = await engine.createWebhook(valid);
    clock.advance(1000);
    const second = await engine.createWebhook({ ...valid, events: ['*', '*'] });
    expect(second.events).toEqual(['*']);
    const updated = await engine.updateWebhook(first.id, { enabled: false, description: null });
    expect(updated).toMatchObject({ enabled: false, description: null, url: valid.url });
    await expect(engine.updateWebhook(first.id, { url: 'https://internal.example/' })).rejects.toMatchObject({
      code: 'WEBHOOK_URL_FORBIDDEN',
    });
    const list = await engine.listWebhooks({ limit: '1' });
    expect(list.items.map((w) => w.id)).toEqual([second.id]);
    expect(list.meta).toMatchObject({ total: 2, has_next: true });
    await engine.deleteWebhook(first.id);
    await expect(engine.getWebhook(first.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.deleteWebhook(first.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.updateWebhook(first.id, { enabled: true })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('rotates the secret: both sign for 24 hours, then only the new one', async () => {
    const { engine, clock, webhooks } = setup();
    const created = await engine.createWebhook(valid);
    const rotated = await engine.rotateWebhookSecret(created.id);
    expect(rotated.secret).not.toBe(created.secret);
    const stored = (await webhooks.get(created.id))!;
    expect(signingSecrets(stored, clock.now())).toEqual([rotated.secret, created.secret]);
    clock.advance(PREVIOUS_SECRET_VALIDITY_MS);
    expect(signingSecrets(stored, clock.now())).toEqual([rotated.secret]);
    await expect(engine.rotateWebhookSecret('wh_nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('two rotations at once drop no secret: the later one keeps the earlier one as its previous', async () => {
    const { engine, webhooks } = setup();
    const created = await engine.createWebhook(valid);
    const [a, b] = await Promise.all([
      engine.rotateWebhookSecret(created.id),
      engine.rotateWebhookSecret(created.id),
    ]);
    const stored = (await webhooks.get(created.id))!;
    const chain = [stored.previousSecret, stored.secret];
    expect([
      [a.secret, b.secret],
      [b.secret, a.secret],
    ]).toContainEqual(chain);
  });

  it("the status callback endpoint is not the API's to read or change", async () => {
    const { engine } = setup();
    for (const call of [
      engine.getWebhook('wh_status_callback'),
      engine.updateWebhook('wh_status_callback', { enabled: false }),
      engine.deleteWebhook('wh_status_callback'),
      engine.rotateWebhookSecret('wh_status_callback'),
      engine.testWebhook('wh_status_callback'),
    ]) {
      await expect(call).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
  });
});
