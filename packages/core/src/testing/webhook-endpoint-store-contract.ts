import assert from 'node:assert/strict';
import { newWebhookEndpointId, newWebhookSecret, type WebhookEndpoint } from '../domain/webhook-endpoint.js';
import type { WebhookEndpointStore } from '../ports/webhook-endpoint-store.js';
import { type BaseHarness, type ContractIt, withHarness } from './contract-runner.js';
import { at } from './sample-notification.js';

/** What `makeStore` returns: a store that holds no endpoint yet. */
export type WebhookEndpointStoreHarness = BaseHarness<WebhookEndpointStore>;

const T = 'WebhookEndpointStore:';

/** A plausible endpoint; override any field. */
export function sampleWebhookEndpoint(overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    id: newWebhookEndpointId(),
    kind: 'webhook',
    url: 'https://hooks.example.com/notify',
    events: ['notification.delivered', 'notification.failed'],
    description: 'CRM sync ✓',
    enabled: true,
    secret: newWebhookSecret(),
    previousSecret: null,
    previousSecretExpiresAt: null,
    failingSince: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

/** The behaviour every WebhookEndpointStore must show; see WebhookEndpointStoreHarness. */
export function webhookEndpointStoreContract(
  it: ContractIt,
  makeStore: () => Promise<WebhookEndpointStoreHarness>,
): void {
  const run = (body: (store: WebhookEndpointStore) => Promise<void>) => () =>
    withHarness(makeStore, (harness) => body(harness.subject));

  it(
    `${T} create stores every field and get returns it`,
    run(async (store) => {
      const endpoint = sampleWebhookEndpoint({
        previousSecret: newWebhookSecret(),
        previousSecretExpiresAt: at(86_400_000),
        events: ['*'],
      });
      assert.deepEqual(await store.create(endpoint), endpoint);
      const found = await store.get(endpoint.id);
      assert.deepEqual(found, endpoint);
      assert.ok(found?.createdAt instanceof Date, 'times come back as Dates');
      assert.equal(await store.get(newWebhookEndpointId()), null, 'an unknown id is null');
    }),
  );

  it(
    `${T} create refuses an id that exists`,
    run(async (store) => {
      const endpoint = sampleWebhookEndpoint();
      await store.create(endpoint);
      await assert.rejects(store.create({ ...endpoint, url: 'https://other.example.com/' }));
      assert.equal((await store.get(endpoint.id))?.url, endpoint.url, 'the first one is kept');
    }),
  );

  it(
    `${T} list is newest first, paged, with the total`,
    run(async (store) => {
      const made = [];
      for (let n = 0; n < 5; n++)
        made.push(await store.create(sampleWebhookEndpoint({ createdAt: at(n * 1000) })));
      const first = await store.list({ limit: 2, offset: 0 });
      assert.equal(first.total, 5);
      assert.deepEqual(
        first.items.map((e) => e.id),
        [made[4]!.id, made[3]!.id],
      );
      const last = await store.list({ limit: 2, offset: 4 });
      assert.deepEqual(
        last.items.map((e) => e.id),
        [made[0]!.id],
      );
      assert.deepEqual((await store.list({ limit: 2, offset: 10 })).items, []);
    }),
  );

  it(
    `${T} update changes only what the patch holds; an unknown id is null`,
    run(async (store) => {
      const endpoint = await store.create(sampleWebhookEndpoint());
      const updated = await store.update(endpoint.id, {
        enabled: false,
        description: null,
        updatedAt: at(5000),
      });
      assert.deepEqual(updated, { ...endpoint, enabled: false, description: null, updatedAt: at(5000) });
      assert.deepEqual(await store.get(endpoint.id), updated);
      assert.equal(await store.update(newWebhookEndpointId(), { enabled: false, updatedAt: at(1) }), null);
    }),
  );

  it(
    `${T} what a caller holds is a copy`,
    run(async (store) => {
      const endpoint = await store.create(sampleWebhookEndpoint());
      endpoint.events.push('notification.accepted');
      const found = await store.get(endpoint.id);
      assert.ok(found);
      found.events.length = 0;
      assert.deepEqual((await store.get(endpoint.id))?.events, [
        'notification.delivered',
        'notification.failed',
      ]);
    }),
  );

  it(
    `${T} delete removes it once`,
    run(async (store) => {
      const endpoint = await store.create(sampleWebhookEndpoint());
      assert.equal(await store.delete(endpoint.id), true);
      assert.equal(await store.get(endpoint.id), null);
      assert.equal(await store.delete(endpoint.id), false);
      assert.equal((await store.list({ limit: 10, offset: 0 })).total, 0);
    }),
  );

  it(
    `${T} save creates, then replaces every field but the creation time; list leaves out other kinds`,
    run(async (store) => {
      const callback = sampleWebhookEndpoint({
        id: 'wh_status_callback',
        kind: 'status-callback',
        secret: '',
      });
      assert.deepEqual(await store.save(callback), callback);
      const replaced = {
        ...callback,
        url: 'https://callbacks.example.com/status',
        enabled: true,
        failingSince: null,
        updatedAt: at(5_000),
      };
      await store.update(callback.id, { enabled: false, failingSince: at(1_000), updatedAt: at(1_000) });
      assert.deepEqual(await store.save({ ...replaced, createdAt: at(9_000) }), replaced);
      assert.deepEqual(await store.get(callback.id), replaced);
      const mine = await store.create(sampleWebhookEndpoint());
      const page = await store.list({ limit: 10, offset: 0 });
      assert.deepEqual(
        [page.total, page.items.map((e) => e.id)],
        [1, [mine.id]],
        'the status callback is not one of the listed webhooks',
      );
    }),
  );

  it(
    `${T} update with ifSecret applies only while the secret is still that one`,
    run(async (store) => {
      const endpoint = await store.create(sampleWebhookEndpoint());
      const stale = await store.update(
        endpoint.id,
        { secret: newWebhookSecret(), updatedAt: at(1_000) },
        newWebhookSecret(),
      );
      assert.equal(stale, null, 'another secret: not applied');
      assert.deepEqual(await store.get(endpoint.id), endpoint, 'nothing changed');
      const next = newWebhookSecret();
      const rotated = await store.update(
        endpoint.id,
        { secret: next, previousSecret: endpoint.secret, updatedAt: at(2_000) },
        endpoint.secret,
      );
      assert.deepEqual([rotated?.secret, rotated?.previousSecret], [next, endpoint.secret]);
    }),
  );
}
