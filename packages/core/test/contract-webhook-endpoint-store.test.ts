import {
  InMemoryWebhookEndpointStore,
  type WebhookEndpoint,
  type WebhookEndpointPatch,
} from '@notify/email-core';
import { webhookEndpointStoreContract } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';
import { outcomeOf, runSuite } from './contract-fault-runner.js';

describe('InMemoryWebhookEndpointStore', () => {
  webhookEndpointStoreContract(it, async () => ({ subject: new InMemoryWebhookEndpointStore() }));
});

/** Hands out the stored object itself. */
class SharingStore extends InMemoryWebhookEndpointStore {
  readonly #kept = new Map<string, WebhookEndpoint>();
  override async create(endpoint: WebhookEndpoint) {
    await super.create(endpoint);
    this.#kept.set(endpoint.id, endpoint);
    return endpoint;
  }
  override async get(id: string) {
    return this.#kept.get(id) ?? null;
  }
}

/** Overwrites with undefined: a patch that clears what it does not mention. */
class ClearingStore extends InMemoryWebhookEndpointStore {
  override async update(id: string, patch: WebhookEndpointPatch) {
    const found = await this.get(id);
    if (found === null) return null;
    await this.delete(id);
    const replaced = { ...found, events: [], ...patch };
    await this.create(replaced);
    return replaced;
  }
}

class OldestFirstStore extends InMemoryWebhookEndpointStore {
  override async list(page: { limit: number; offset: number }) {
    const all = await super.list({ limit: 1000, offset: 0 });
    return { items: all.items.reverse().slice(page.offset, page.offset + page.limit), total: all.total };
  }
}

class OverwritingStore extends InMemoryWebhookEndpointStore {
  override async create(endpoint: WebhookEndpoint) {
    await this.delete(endpoint.id);
    return super.create(endpoint);
  }
}

/** Lists every kind: the status callback's endpoint among the client's webhooks. */
class KindBlindStore extends InMemoryWebhookEndpointStore {
  readonly #others: WebhookEndpoint[] = [];
  override async save(endpoint: WebhookEndpoint) {
    const saved = await super.save(endpoint);
    if (endpoint.kind !== 'webhook') this.#others.push(saved);
    return saved;
  }
  override async list(page: { limit: number; offset: number }) {
    const listed = await super.list(page);
    return { items: [...listed.items, ...this.#others], total: listed.total + this.#others.length };
  }
}

/** Saves over an existing endpoint by keeping the old one. */
class SaveOnceStore extends InMemoryWebhookEndpointStore {
  override async save(endpoint: WebhookEndpoint) {
    return (await this.get(endpoint.id)) ?? super.save(endpoint);
  }
}

/** Ignores the secret guard: the last of two racing rotations wins. */
class GuardBlindStore extends InMemoryWebhookEndpointStore {
  override update(id: string, patch: WebhookEndpointPatch) {
    return super.update(id, patch);
  }
}

describe('webhookEndpointStoreContract catches a broken store', () => {
  const suite = (make: () => InMemoryWebhookEndpointStore) =>
    runSuite((it) => webhookEndpointStoreContract(it, async () => ({ subject: make() })));

  it('passes the in-memory reference, every case', async () => {
    const results = await suite(() => new InMemoryWebhookEndpointStore());
    expect(results.filter((r) => r.outcome !== 'passed')).toEqual([]);
    expect(results.length).toBe(8);
  });

  it('fails a store that hands out its own objects', async () => {
    expect(outcomeOf(await suite(() => new SharingStore()), 'is a copy')).toBe('failed');
  });

  it('fails an update that clears what the patch leaves out', async () => {
    expect(outcomeOf(await suite(() => new ClearingStore()), 'changes only what the patch holds')).toBe(
      'failed',
    );
  });

  it('fails a list oldest first', async () => {
    expect(outcomeOf(await suite(() => new OldestFirstStore()), 'newest first')).toBe('failed');
  });

  it('fails a create that overwrites an existing id', async () => {
    expect(outcomeOf(await suite(() => new OverwritingStore()), 'refuses an id that exists')).toBe('failed');
  });

  it('fails a list that shows the status callback, and a save that does not replace', async () => {
    expect(outcomeOf(await suite(() => new KindBlindStore()), 'list leaves out other kinds')).toBe('failed');
    expect(outcomeOf(await suite(() => new SaveOnceStore()), 'list leaves out other kinds')).toBe('failed');
  });

  it('fails an update that ignores ifSecret', async () => {
    expect(outcomeOf(await suite(() => new GuardBlindStore()), 'with ifSecret')).toBe('failed');
  });
});
