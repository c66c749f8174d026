import { randomBytes } from 'node:crypto';

/** `pending` until an attempt succeeds (`succeeded`) or the schedule runs out (`failed`). */
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The event type of `POST /api/v1/webhooks/{id}/test/`: sent to one endpoint, not in the log. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/**
 * One (endpoint, event) pair of the webhook outbox: written with the event (in the same
 * transaction), sent by a dispatcher, retried on the schedule until it succeeds or fails.
 */
export interface WebhookDelivery {
  /** `whd_` and 16 random hex bytes. */
  id: string;
  endpointId: string;
  /** The `webhook-id` of every attempt: receivers dedupe on it. */
  eventId: string;
  /** An EventType, or `webhook.test`. */
  eventType: string;
  status: DeliveryStatus;
  /** Attempts made so far (recorded ones: an attempt cut short by a crash is not counted). */
  attempts: number;
  /** When a pending delivery is due; null once it succeeded or failed. */
  nextAttemptAt: Date | null;
  lastResponseStatus: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One recorded attempt of a delivery. */
export interface DeliveryAttempt {
  /** 1 for the first. */
  attempt: number;
  at: Date;
  /** The HTTP status answered; null when none came (refused, timed out, blocked by the guard). */
  responseStatus: number | null;
  durationMs: number;
  /** Why it failed; null on success. */
  error: string | null;
}

/** The event a delivery carries, as the receiver gets it (`{ id, type, created_at, data }`). */
export interface OutboundEvent {
  id: string;
  type: string;
  createdAt: Date;
  data: Record<string, unknown>;
}

export function newDeliveryId(): string {
  return `whd_${randomBytes(16).toString('hex')}`;
}

/** The body of every attempt of a delivery: the event as JSON, snake_case. */
export function outboundBody(event: OutboundEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    created_at: event.createdAt.toISOString(),
    data: event.data,
  });
}

/**
 * What follows attempt number `attempt` (1-based) that failed at `at`: the next attempt after
 * `schedule[attempt - 1]` ms, or nothing (the delivery has failed) once the schedule is spent.
 * A schedule of 7 delays means 8 attempts in all, the first one immediate.
 */
export function nextAttemptAfterFailure(schedule: readonly number[], attempt: number, at: Date): Date | null {
  const delay = schedule[attempt - 1];
  return delay === undefined ? null : new Date(at.getTime() + delay);
}

/**
 * The retry schedule of Standard Webhooks senders (Svix's): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 10 h after the first attempt, about 27.5 hours in all (`WEBHOOK_RETRY_SCHEDULE` overrides).
 */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** An endpoint whose every attempt failed for this long is disabled (`WEBHOOK_DISABLE_AFTER`). */
export const DEFAULT_WEBHOOK_DISABLE_AFTER_MS = 5 * 24 * 3_600_000;
