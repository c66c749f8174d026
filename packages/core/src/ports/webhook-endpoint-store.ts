import type { WebhookEndpoint, WebhookEndpointPatch } from '../domain/webhook-endpoint.js';

export interface WebhookEndpointPage {
  /** Newest first (created_at, then id, descending); only endpoints of kind `webhook`. */
  items: WebhookEndpoint[];
  total: number;
}

/** Where webhook endpoints are kept. Every write is one atomic operation. */
export interface WebhookEndpointStore {
  /** Stores a new endpoint (its id is new: a clash is a bug, and throws). */
  create(endpoint: WebhookEndpoint): Promise<WebhookEndpoint>;
  /**
   * Creates the endpoint, or replaces every field of the one with its id (its failure clock
   * included): how the service keeps its status-callback endpoint in step with its configuration.
   */
  save(endpoint: WebhookEndpoint): Promise<WebhookEndpoint>;
  get(id: string): Promise<WebhookEndpoint | null>;
  list(page: { limit: number; offset: number }): Promise<WebhookEndpointPage>;
  /**
   * Applies the patch; null when the endpoint does not exist or, with `ifSecret`, when its secret
   * is no longer that one (a rotation that raced another: the caller reads again).
   */
  update(id: string, patch: WebhookEndpointPatch, ifSecret?: string): Promise<WebhookEndpoint | null>;
  /** true when it existed. */
  delete(id: string): Promise<boolean>;
}

export const WebhookEndpointStoreToken = Symbol.for('@notify/WebhookEndpointStore');
