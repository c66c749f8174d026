import type { Logger } from '@notify/email-core';

/** What the outer middleware puts on `ctx.state` for everything downstream. */
export interface RequestState {
  /** The request's `X-Request-ID`, echoed or generated; the correlation id of everything it causes. */
  correlationId: string;
  /** A child logger bound to `correlation_id` (and `request_id` once a route knows it). */
  log: Logger;
  /**
   * Fields a route adds to the request's one access-log line (`request completed`) instead of
   * writing a line of its own: at thousands of requests a second every line costs.
   */
  accessLog?: Record<string, unknown>;
}
