import type { NotificationStatus } from '../domain/notification.js';

/** A notification as the API shows it (snake_case, ISO-8601 UTC times with `Z`). */
export interface NotificationView {
  request_id: string;
  task_id: string;
  user_id: string;
  to_email: string;
  template_code: string;
  status: NotificationStatus;
  attempts: number;
  error: string | null;
  priority: number;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

export interface AcceptCommand {
  /** The parsed JSON body, not yet validated. */
  body: unknown;
  /** The `Idempotency-Key` header, when sent. */
  idempotencyKey?: string | undefined;
  /** Follows the notification into the queue, the email headers and the callback. */
  correlationId: string;
}

export interface AcceptResult {
  /** true when this request_id had been accepted before with the same payload. */
  replayed: boolean;
  request_id: string;
  task_id: string;
  /** `queued` on first accept; the current status on a replay. */
  status: NotificationStatus;
}

export interface ListQuery {
  /** Raw query-string values; validated by the use case (bad values → VALIDATION_FAILED). */
  user_id?: unknown;
  status?: unknown;
  template_code?: unknown;
  limit?: unknown;
  page?: unknown;
}

export interface PageMeta {
  total: number;
  limit: number;
  page: number;
  total_pages: number;
  has_next: boolean;
  has_previous: boolean;
}

export interface ListOutput {
  items: NotificationView[];
  meta: PageMeta;
}

export type CheckStatus = 'up' | 'down' | 'degraded';

export interface HealthCheck {
  status: CheckStatus;
  latency_ms?: number;
  detail?: string;
}

export interface HealthReport {
  status: 'healthy' | 'unhealthy';
  service: 'email-service';
  version: string;
  timestamp: string;
  checks: { database: HealthCheck; queue: HealthCheck; smtp: HealthCheck };
}

/** What processing one queue message came to; for logs and tests. */
export type ProcessOutcome = 'delivered' | 'retrying' | 'failed' | 'deferred' | 'skipped' | 'dead-lettered';
