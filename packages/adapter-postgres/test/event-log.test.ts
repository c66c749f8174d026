import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../../test-support/postgres.js';
import { createTestDatabase } from '../../../test-support/postgres.js';
import type { PostgresNotificationStore } from '../src/index.js';
import { createPostgresStore, migrate } from '../src/index.js';
import { newNotification } from './fixtures.js';

// What the contract cannot stage: a transaction that took its place in the sequence first and
// commits last. A reader by sequence alone would pass it while it runs and never see it.
describe('PostgresEventLog reading by cursor', () => {
  let db: TestDatabase;
  let admin: pg.Pool;
  let store: PostgresNotificationStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate({ connectionString: db.url });
    admin = new pg.Pool({ connectionString: db.url });
    store = createPostgresStore({ connectionString: db.url, max: 5 });
  });
  afterAll(async () => {
    await store?.close();
    await admin?.end();
    await db?.drop();
  });

  it('hands out an event that commits after later ones, after the cursors handed out before', async () => {
    const late = await admin.connect();
    try {
      await late.query('BEGIN');
      await late.query(
        `INSERT INTO notification_events (id, type, request_id, created_at, data)
         VALUES ('evt_late', 'notification.accepted', 'req-late', now(), '{}')`,
      );
      const record = newNotification();
      await store.insert(record, {
        id: 'evt_early',
        type: 'notification.accepted',
        requestId: record.requestId,
        createdAt: new Date(),
        data: { request_id: record.requestId },
      });
      // Both wait behind the open transaction: the committed one too, since it sorts after it.
      const first = await store.events.list({ limit: 10 });
      expect(first.events.map((e) => e.id)).toEqual([]);
      await late.query('COMMIT');
      const second = await store.events.list({
        limit: 10,
        ...(first.nextCursor === null ? {} : { after: first.nextCursor }),
      });
      expect(second.events.map((e) => e.id)).toEqual(['evt_late', 'evt_early']);
      expect(second.events[1]?.requestId).toBe(record.requestId);
    } finally {
      late.release();
    }
  });

  it('refuses a cursor past the types it encodes', async () => {
    await expect(store.events.list({ limit: 1, after: `p1.${2n ** 64n}.1` })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
