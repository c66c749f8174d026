import type { Logger } from 'pino';

/** What the outer middleware puts on `ctx.state` for everything downstream. */
export interface RequestState {
  /** The request's `X-Request-ID`, echoed or generated; the correlation id of everything it causes. */
  correlationId: string;
  /** A child logger bound to `correlation_id` (and `request_id` once a route knows it). */
  log: Logger;
}
