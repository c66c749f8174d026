import { InMemoryNotificationStore, NotifyError } from '@notify/email-core';
import { ControllableNotificationStore, ManualClock, sampleNotification } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return NotifyError.is(error) ? error.code : `not a NotifyError: ${String(error)}`;
  }
}

describe('InMemoryNotificationStore', () => {
  it('is unavailable once closed', async () => {
    const store = new InMemoryNotificationStore();
    const record = sampleNotification();
    await store.insert(record);
    await store.close();
    const now = new Date();
    const calls = [
      store.ping(),
      store.insert(sampleNotification()),
      store.getByRequestId(record.requestId),
      store.list({}, { limit: 10, offset: 0 }),
      store.claim({ requestId: record.requestId, owner: 'w', now, leaseMs: 1000 }),
      store.update(record.requestId, { status: ['queued'] }, { status: 'failed' }),
      store.markPublished([record.requestId], now),
      store.findStranded({ now, unpublishedBefore: now, limit: 10 }),
    ];
    expect(await Promise.all(calls.map(codeOf))).toEqual(Array(calls.length).fill('STORE_UNAVAILABLE'));
  });

  it('stamps updatedAt from its clock when a patch carries none', async () => {
    const clock = new ManualClock('2031-05-05T00:00:00Z');
    const store = new InMemoryNotificationStore({ clock });
    const record = sampleNotification();
    await store.insert(record);
    clock.advance(5000);
    const updated = await store.update(record.requestId, { status: ['queued'] }, { attempts: 1 });
    expect(updated?.updatedAt).toEqual(new Date('2031-05-05T00:00:05Z'));
  });
});

describe('ControllableNotificationStore', () => {
  it('fails every call with STORE_UNAVAILABLE while unavailable, and keeps its data for afterwards', async () => {
    const store = new ControllableNotificationStore();
    const record = sampleNotification();
    await store.insert(record);
    store.setAvailable(false);
    const now = new Date();
    const calls = [
      store.ping(),
      store.insert(sampleNotification()),
      store.getByRequestId(record.requestId),
      store.list({}, { limit: 10, offset: 0 }),
      store.claim({ requestId: record.requestId, owner: 'w', now, leaseMs: 1000 }),
      store.update(record.requestId, { status: ['queued'] }, { status: 'failed' }),
      store.markPublished([record.requestId], now),
      store.findStranded({ now, unpublishedBefore: now, limit: 10 }),
    ];
    expect(await Promise.all(calls.map(codeOf))).toEqual(Array(calls.length).fill('STORE_UNAVAILABLE'));
    store.setAvailable(true);
    expect(await store.getByRequestId(record.requestId)).toEqual(record);
    expect(store.size).toBe(1);
  });

  it('all() lists copies, oldest first', async () => {
    const store = new ControllableNotificationStore();
    const late = sampleNotification({ createdAt: new Date('2030-01-02T00:00:00Z') });
    const early = sampleNotification({ createdAt: new Date('2030-01-01T00:00:00Z') });
    await store.insert(late);
    await store.insert(early);
    const all = store.all();
    expect(all.map((n) => n.requestId)).toEqual([early.requestId, late.requestId]);
    all[0]!.status = 'failed';
    expect((await store.getByRequestId(early.requestId))?.status).toBe('queued');
  });
});
