import { randomBytes } from 'node:crypto';
import { NotifyError } from '../domain/errors.js';
import type { NotificationEvent } from '../domain/events.js';
import type { EventLog, EventPage, EventQuery } from '../ports/event-log.js';

/**
 * The embedded event log: events in the order they were appended, which on one event loop is
 * the order their changes were made. A cursor is this log's own (a random epoch) plus a
 * position, so a cursor kept across a restart is refused rather than read as a position in a
 * log that started again empty.
 */
export class InMemoryEventLog implements EventLog {
  readonly #events: NotificationEvent[] = [];
  readonly #epoch = randomBytes(6).toString('base64url');
  readonly #assertUsable: () => void;

  /** `assertUsable` runs before every read: the owning store's outage switch. */
  constructor(assertUsable: () => void = () => {}) {
    this.#assertUsable = assertUsable;
  }

  /** Called by the owning store in the same synchronous step as the change. */
  append(event: NotificationEvent): void {
    this.#events.push(structuredClone(event));
  }

  async timeline(requestId: string): Promise<NotificationEvent[]> {
    this.#assertUsable();
    return this.#events.filter((e) => e.requestId === requestId).map((e) => structuredClone(e));
  }

  async list(query: EventQuery): Promise<EventPage> {
    this.#assertUsable();
    let position = query.after === undefined ? 0 : this.#position(query.after);
    const events: NotificationEvent[] = [];
    let hasMore = false;
    let lastTaken = position;
    for (; position < this.#events.length; position++) {
      const event = this.#events[position] as NotificationEvent;
      if (query.types !== undefined && !query.types.includes(event.type)) continue;
      if (query.since !== undefined && event.createdAt < query.since) continue;
      if (events.length === query.limit) {
        hasMore = true;
        break;
      }
      events.push(structuredClone(event));
      lastTaken = position + 1;
    }
    const nextCursor = events.length > 0 ? this.#cursor(lastTaken) : (query.after ?? null);
    return { events, nextCursor, hasMore };
  }

  #cursor(position: number): string {
    return `m.${this.#epoch}.${position}`;
  }

  #position(cursor: string): number {
    const match = /^m\.([A-Za-z0-9_-]+)\.(\d{1,15})$/.exec(cursor);
    if (match === null || match[1] !== this.#epoch || Number(match[2]) > this.#events.length) {
      throw new NotifyError('VALIDATION_FAILED', 'cursor is not one this event log handed out', {
        details: [
          {
            path: 'cursor',
            message:
              'unknown cursor (the embedded event log starts empty at each start); start again without one',
          },
        ],
      });
    }
    return Number(match[2]);
  }
}
