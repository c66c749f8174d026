/** The body POSTed to the status callback (docs/api.md, Status callbacks). */
export interface StatusEvent {
  notification_id: string;
  request_id: string;
  status: 'delivered' | 'failed';
  error: string | null;
  attempts: number;
  /** ISO-8601 UTC. */
  timestamp: string;
  metadata: Record<string, unknown>;
  correlation_id?: string;
}

/**
 * Reports final statuses. `notify` must return quickly and never throw: delivery does not wait
 * for, nor fail because of, the callback (adapters retry in the background).
 */
export interface StatusNotifier {
  notify(event: StatusEvent): Promise<void>;
  close(): Promise<void>;
}

export const StatusNotifierToken = Symbol.for('@notify/StatusNotifier');
