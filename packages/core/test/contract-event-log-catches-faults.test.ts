// The event log suite must be able to fail (see contract-fault-runner.ts): it runs against logs
// broken on purpose: an event written though its change was not, a timeline newest first, a
// cursor that skips, a type filter ignored, a late commit ordered before cursors already handed
// out, a foreign cursor read as the start, an outage unnoticed.
import {
  type EventLog,
  type EventPage,
  type EventQuery,
  InMemoryEventLog,
  type NewNotification,
  type NotificationEvent,
  type NotificationPatch,
  NotifyError,
  type UpdateGuard,
} from '@notify/email-core';
import { ControllableNotificationStore, eventLogContract } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';
import { outcomeOf, runSuite } from './contract-fault-runner.js';

function logSuite(
  make: () => ControllableNotificationStore,
  makeUnavailable?: (s: ControllableNotificationStore) => void,
) {
  return runSuite((it) =>
    eventLogContract(it, async () => {
      const store = make();
      return {
        subject: store,
        makeUnavailable: async () => (makeUnavailable ?? ((s) => s.setAvailable(false)))(store),
      };
    }),
  );
}

/** Writes the event first, whether or not the record is then written. */
class EventBeforeInsertStore extends ControllableNotificationStore {
  override async insert(notification: NewNotification, event?: NotificationEvent) {
    if (event) this.events.append(event);
    return super.insert(notification);
  }
}

/** Writes the event even when the guard refuses the update. */
class EventWithoutUpdateStore extends ControllableNotificationStore {
  override async update(requestId: string, guard: UpdateGuard, patch: NotificationPatch) {
    const { event, ...rest } = patch;
    if (event) this.events.append(event);
    return super.update(requestId, guard, rest);
  }
}

class NewestFirstTimelineLog extends InMemoryEventLog {
  override async timeline(requestId: string) {
    return (await super.timeline(requestId)).reverse();
  }
}

/** Hands out a cursor one event too far on every full page. */
class SkippingCursorLog extends InMemoryEventLog {
  override async list(query: EventQuery): Promise<EventPage> {
    const page = await super.list(query);
    if (!page.hasMore || page.nextCursor === null) return page;
    const skipped = await super.list({ ...query, after: page.nextCursor, limit: 1 });
    return { ...page, nextCursor: skipped.nextCursor };
  }
}

class TypeBlindLog extends InMemoryEventLog {
  override list(query: EventQuery): Promise<EventPage> {
    const { types: _ignored, ...rest } = query;
    return super.list(rest);
  }
}

/** Reads a cursor it does not know as the start of the log. */
class ForgivingCursorLog extends InMemoryEventLog {
  override async list(query: EventQuery): Promise<EventPage> {
    try {
      return await super.list(query);
    } catch {
      const { after: _ignored, ...rest } = query;
      return super.list(rest);
    }
  }
}

/**
 * Like a table ordered by a sequence number taken before commit and read without regard to
 * commits still running: every other event takes a place a few back, behind events a reader
 * may already have passed.
 */
class LateCommitLog implements EventLog {
  readonly #events: NotificationEvent[] = [];
  #appended = 0;
  append(event: NotificationEvent): void {
    this.#appended += 1;
    const place = this.#appended % 2 === 0 ? Math.max(0, this.#events.length - 3) : this.#events.length;
    this.#events.splice(place, 0, structuredClone(event));
  }
  async timeline(requestId: string) {
    return this.#events.filter((e) => e.requestId === requestId).map((e) => structuredClone(e));
  }
  async list(query: EventQuery): Promise<EventPage> {
    const from = query.after === undefined ? 0 : Number(/^late\.(\d+)$/.exec(query.after)?.[1] ?? Number.NaN);
    if (!Number.isInteger(from))
      throw new NotifyError('VALIDATION_FAILED', 'bad cursor', {
        details: [{ path: 'cursor', message: 'unknown' }],
      });
    const matching = this.#events
      .map((event, n) => ({ event, n }))
      .slice(from)
      .filter(({ event }) => (query.types ?? [event.type]).includes(event.type))
      .filter(({ event }) => query.since === undefined || event.createdAt >= query.since);
    const page = matching.slice(0, query.limit);
    const last = page.at(-1);
    return {
      events: page.map(({ event }) => structuredClone(event)),
      nextCursor: last === undefined ? (query.after ?? null) : `late.${last.n + 1}`,
      hasMore: matching.length > query.limit,
    };
  }
}

function withLog(make: (assertUsable: () => void) => EventLog) {
  return () => {
    const store = new ControllableNotificationStore();
    Object.defineProperty(store, 'events', {
      value: make(() => (store as unknown as { assertUsable(): void }).assertUsable()),
    });
    return store;
  };
}

describe('eventLogContract catches a broken event log', () => {
  it('passes the in-memory reference, every case', async () => {
    const results = await logSuite(() => new ControllableNotificationStore());
    expect(results.filter((r) => r.outcome !== 'passed')).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(8);
  });

  it('fails an event written for an insert that did not happen', async () => {
    const results = await logSuite(() => new EventBeforeInsertStore());
    expect(outcomeOf(results, 'a conflicting insert writes none')).toBe('failed');
  });

  it('fails an event written for an update whose guard refused it', async () => {
    const results = await logSuite(() => new EventWithoutUpdateStore());
    expect(outcomeOf(results, 'only when its guard holds')).toBe('failed');
  });

  it('fails a timeline newest first', async () => {
    const results = await logSuite(withLog((a) => new NewestFirstTimelineLog(a)));
    expect(outcomeOf(results, 'a timeline holds')).toBe('failed');
  });

  it('fails a cursor that skips an event', async () => {
    const results = await logSuite(withLog((a) => new SkippingCursorLog(a)));
    expect(outcomeOf(results, 'pages by cursor')).toBe('failed');
  });

  it('fails a type filter that is ignored', async () => {
    const results = await logSuite(withLog((a) => new TypeBlindLog(a)));
    expect(outcomeOf(results, 'filters by type')).toBe('failed');
  });

  it('fails a log where a late commit lands behind cursors already handed out', async () => {
    const results = await logSuite(withLog(() => new LateCommitLog()));
    expect(outcomeOf(results, 'polling during concurrent writes')).toBe('failed');
  });

  it('fails a foreign cursor read as the start of the log', async () => {
    const results = await logSuite(withLog((a) => new ForgivingCursorLog(a)));
    expect(outcomeOf(results, 'never handed out')).toBe('failed');
  });

  it('fails an outage that goes unnoticed', async () => {
    const results = await logSuite(
      () => new ControllableNotificationStore(),
      () => {},
    );
    expect(outcomeOf(results, 'unreachable store rejects timeline')).toBe('failed');
  });
});
