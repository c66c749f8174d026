import type { EventType, NotificationEvent } from '../domain/events.js';

export interface EventQuery {
  /** Only events of these types; all when absent. */
  types?: EventType[];
  /** Only events created at or after this time. */
  since?: Date;
  /** Resume after this cursor (a `nextCursor` this log handed out); from the start when absent. */
  after?: string;
  /** 1..1000. */
  limit: number;
}

export interface EventPage {
  /** Oldest first: the order the log will hand them out in to every reader, always. */
  events: NotificationEvent[];
  /**
   * Where the next page starts: after the last event returned, or, when none was, the cursor
   * given (null when none was given). Opaque; only this log understands it.
   */
  nextCursor: string | null;
  /** More events matched than `limit`: ask again at once rather than after a pause. */
  hasMore: boolean;
}

/**
 * The read side of the event log. Events are written by the NotificationStore with the change
 * they report (`insert(notification, event)`, `update(..., { event })`), in the same transaction,
 * so a store exposes its own log as `store.events`.
 *
 * Reading by cursor never skips an event: an event that becomes visible later (its transaction
 * committed after a reader passed its neighbours) is ordered after every cursor handed out
 * before it was visible.
 */
export interface EventLog {
  /** The events of one notification, oldest first; [] for an unknown one. */
  timeline(requestId: string): Promise<NotificationEvent[]>;
  /** Every event matching `query`, oldest first; VALIDATION_FAILED at `cursor` for a cursor not its own. */
  list(query: EventQuery): Promise<EventPage>;
}
