import { NotifyError } from '../domain/errors.js';
import type { EventType } from '../domain/events.js';
import { subscribesTo, type WebhookEndpoint, type WebhookEndpointPatch } from '../domain/webhook-endpoint.js';
import type { WebhookEndpointPage, WebhookEndpointStore } from '../ports/webhook-endpoint-store.js';
import { newestFirstBy } from './ordering.js';

/** The embedded endpoint store: deep copies in and out, so callers cannot change it behind its back. */
export class InMemoryWebhookEndpointStore implements WebhookEndpointStore {
  readonly #endpoints = new Map<string, WebhookEndpoint>();
  readonly #onDelete: Array<(id: string) => void> = [];

  async create(endpoint: WebhookEndpoint): Promise<WebhookEndpoint> {
    if (this.#endpoints.has(endpoint.id)) {
      throw new NotifyError('INTERNAL', `webhook endpoint ${endpoint.id} exists already`, {
        retryable: false,
      });
    }
    this.#endpoints.set(endpoint.id, structuredClone(endpoint));
    return structuredClone(endpoint);
  }

  async save(endpoint: WebhookEndpoint): Promise<WebhookEndpoint> {
    const createdAt = this.#endpoints.get(endpoint.id)?.createdAt ?? endpoint.createdAt;
    const saved = { ...structuredClone(endpoint), createdAt: new Date(createdAt) };
    this.#endpoints.set(endpoint.id, saved);
    return structuredClone(saved);
  }

  async get(id: string): Promise<WebhookEndpoint | null> {
    const found = this.#endpoints.get(id);
    return found === undefined ? null : structuredClone(found);
  }

  async list(page: { limit: number; offset: number }): Promise<WebhookEndpointPage> {
    const all = [...this.#endpoints.values()]
      .filter((e) => e.kind === 'webhook')
      .sort(newestFirstBy('createdAt'));
    return {
      items: all.slice(page.offset, page.offset + page.limit).map((e) => structuredClone(e)),
      total: all.length,
    };
  }

  async update(id: string, patch: WebhookEndpointPatch, ifSecret?: string): Promise<WebhookEndpoint | null> {
    const found = this.#endpoints.get(id);
    if (found === undefined || (ifSecret !== undefined && found.secret !== ifSecret)) return null;
    const copied = structuredClone(patch);
    for (const [field, value] of Object.entries(copied)) {
      if (value !== undefined) (found as unknown as Record<string, unknown>)[field] = value;
    }
    return structuredClone(found);
  }

  async delete(id: string): Promise<boolean> {
    const deleted = this.#endpoints.delete(id);
    if (deleted) for (const listener of this.#onDelete) listener(id);
    return deleted;
  }

  /*
   * Synchronous reads and writes for the in-memory outbox (in-memory-webhook-delivery-store.ts),
   * which fans an event out in the same synchronous step as the change that wrote it.
   */

  /** The ids of the enabled endpoints that want events of `type`. */
  subscriberIds(type: EventType): string[] {
    return [...this.#endpoints.values()].filter((e) => e.enabled && subscribesTo(e, type)).map((e) => e.id);
  }

  /** A copy of one endpoint, now. */
  peek(id: string): WebhookEndpoint | undefined {
    const found = this.#endpoints.get(id);
    return found === undefined ? undefined : structuredClone(found);
  }

  /** Sets the failure clock (and disables) in place. */
  setFailure(id: string, failingSince: Date | null, disable: boolean): void {
    const found = this.#endpoints.get(id);
    if (found === undefined) return;
    found.failingSince = failingSince === null ? null : new Date(failingSince);
    if (disable) found.enabled = false;
  }

  /** Called with the id of each endpoint deleted (its deliveries go with it). */
  onDelete(listener: (id: string) => void): void {
    this.#onDelete.push(listener);
  }
}
