// The notification store suite must be able to fail (see contract-fault-runner.ts): it runs against
// broken stores: a claim two owners win, an insert-if-absent that is not atomic, a list oldest
// first, guards and leases ignored, history replaced, stranded leases missed, a false claim to be
// shared, an outage unnoticed.
import type {
  ClaimRequest,
  ListFilter,
  ListPage,
  ListResult,
  NewNotification,
  Notification,
  NotificationPatch,
  StrandedQuery,
  UpdateGuard,
} from '@notify/email-core';
import { ControllableNotificationStore, notificationStoreContract } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';
import { outcomeOf, runSuite } from './contract-fault-runner.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function storeSuite(
  make: () => ControllableNotificationStore,
  makeUnavailable?: (s: ControllableNotificationStore) => void,
) {
  return runSuite((it) =>
    notificationStoreContract(it, async () => {
      const store = make();
      return {
        subject: store,
        makeUnavailable: async () => (makeUnavailable ?? ((s) => s.setAvailable(false)))(store),
      };
    }),
  );
}

/** Read, then write: the classic race that lets two workers claim one record. */
class ReadThenWriteClaimStore extends ControllableNotificationStore {
  override async claim(request: ClaimRequest): Promise<Notification | null> {
    const current = await this.getByRequestId(request.requestId);
    if (!current || current.status === 'delivered' || current.status === 'failed') return null;
    if (current.status === 'processing' && current.leaseUntil && current.leaseUntil > request.now)
      return null;
    await tick();
    return this.update(
      request.requestId,
      { status: ['queued', 'retrying', 'processing'] },
      {
        status: 'processing',
        leaseOwner: request.owner,
        leaseUntil: new Date(request.now.getTime() + request.leaseMs),
        updatedAt: request.now,
      },
    );
  }
}

/** Checks for an existing record, yields, then reports "created" from the stale check. */
class CheckThenInsertStore extends ControllableNotificationStore {
  override async insert(notification: NewNotification) {
    const existing = await this.getByRequestId(notification.requestId);
    await tick();
    const result = await super.insert(notification);
    return existing ? result : { created: true as const, notification };
  }
}

class OldestFirstListStore extends ControllableNotificationStore {
  override async list(filter: ListFilter, page: ListPage): Promise<ListResult> {
    const all = await super.list(filter, { limit: 100, offset: 0 });
    const items = all.items.reverse().slice(page.offset, page.offset + page.limit);
    return { items, total: all.total };
  }
}

class LeaseBlindUpdateStore extends ControllableNotificationStore {
  override update(requestId: string, guard: UpdateGuard, patch: NotificationPatch) {
    return super.update(requestId, { status: guard.status }, patch);
  }
}

/** Keeps only the newest history entry, as a store that overwrites instead of appending would. */
class HistoryReplacingStore extends ControllableNotificationStore {
  override async getByRequestId(requestId: string) {
    const found = await super.getByRequestId(requestId);
    if (found) found.history = found.history.slice(-1);
    return found;
  }
}

class LeaseBlindStrandedStore extends ControllableNotificationStore {
  override async findStranded(query: StrandedQuery) {
    return (await super.findStranded(query)).filter((n) => n.status !== 'processing');
  }
}

/** Claims other processes share its records, though they live in this one's memory. */
class FalselySharedStore extends ControllableNotificationStore {
  override readonly capabilities = { durable: false, shared: true };
}

describe('notificationStoreContract catches a broken store', () => {
  it('passes the in-memory reference, every case', async () => {
    const results = await storeSuite(() => new ControllableNotificationStore());
    expect(results.filter((r) => r.outcome !== 'passed')).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(18);
  });

  it('fails a claim that lets two owners win', async () => {
    const results = await storeSuite(() => new ReadThenWriteClaimStore());
    expect(outcomeOf(results, 'concurrent claims by two owners')).toBe('failed');
  });

  it('fails an insert-if-absent that is not atomic', async () => {
    const results = await storeSuite(() => new CheckThenInsertStore());
    expect(outcomeOf(results, '20 concurrent inserts')).toBe('failed');
    expect(outcomeOf(results, 'insert stores the record')).toBe('passed');
  });

  it('fails a list that is oldest first', async () => {
    const results = await storeSuite(() => new OldestFirstListStore());
    expect(outcomeOf(results, 'list is newest first')).toBe('failed');
  });

  it('fails an update that ignores the lease owner', async () => {
    const results = await storeSuite(() => new LeaseBlindUpdateStore());
    expect(outcomeOf(results, 'update applies the patch only while the guard holds')).toBe('failed');
    expect(outcomeOf(results, 'an expired lease can be reclaimed')).toBe('failed');
  });

  it('fails a history that is replaced instead of appended', async () => {
    const results = await storeSuite(() => new HistoryReplacingStore());
    expect(outcomeOf(results, 'appendHistory appends')).toBe('failed');
  });

  it('fails a findStranded that misses expired leases', async () => {
    const results = await storeSuite(() => new LeaseBlindStrandedStore());
    expect(outcomeOf(results, 'findStranded')).toBe('failed');
  });

  it('fails a store that declares itself shared but forgets on exit', async () => {
    const results = await storeSuite(() => new FalselySharedStore());
    expect(outcomeOf(results, 'declares whether it is durable and shared')).toBe('failed');
  });

  it('fails a store whose outage goes unnoticed', async () => {
    const results = await storeSuite(
      () => new ControllableNotificationStore(),
      () => {},
    );
    expect(outcomeOf(results, 'unreachable store')).toBe('failed');
  });
});
