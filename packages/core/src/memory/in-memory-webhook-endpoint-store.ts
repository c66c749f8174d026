import { NotifyError } from '../domain/errors.js';
import type { WebhookEndpoint, WebhookEndpointPatch } from '../domain/webhook-endpoint.js';
import type { WebhookEndpointPage, WebhookEndpointStore } from '../ports/webhook-endpoint-store.js';

/** The embedded endpoint store: deep copies in and out, so callers cannot change it behind its back. */
export class InMemoryWebhookEndpointStore implements WebhookEndpointStore {
  readonly #endpoints = new Map<string, WebhookEndpoint>();

  async create(endpoint: WebhookEndpoint): Promise<WebhookEndpoint> {
    if (this.#endpoints.has(endpoint.id)) {
      throw new NotifyError('INTERNAL', `webhook endpoint ${endpoint.id} exists already`, {
        retryable: false,
      });
    }
    this.#endpoints.set(endpoint.id, structuredClone(endpoint));
    return structuredClone(endpoint);
  }

  async get(id: string): Promise<WebhookEndpoint | null> {
    const found = this.#endpoints.get(id);
    return found === undefined ? null : structuredClone(found);
  }

  async list(page: { limit: number; offset: number }): Promise<WebhookEndpointPage> {
    const all = [...this.#endpoints.values()].sort(
      (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    );
    return {
      items: all.slice(page.offset, page.offset + page.limit).map((e) => structuredClone(e)),
      total: all.length,
    };
  }

  async update(id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpoint | null> {
    const found = this.#endpoints.get(id);
    if (found === undefined) return null;
    const copied = structuredClone(patch);
    for (const [field, value] of Object.entries(copied)) {
      if (value !== undefined) (found as unknown as Record<string, unknown>)[field] = value;
    }
    return structuredClone(found);
  }

  async delete(id: string): Promise<boolean> {
    return this.#endpoints.delete(id);
  }
}
