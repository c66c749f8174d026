import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotifyError } from '@notify/email-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../../test-support/postgres.js';
import { createTestDatabase } from '../../../test-support/postgres.js';
import { closedPortUrl } from '../../../test-support/unreachable.js';
import { defaultMigrationsDir, migrate } from '../src/index.js';

describe('migrate', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('applies 0001 exactly once when several processes migrate at the same moment', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate({ connectionString: db.url })));
    const applied = results.flatMap((r) => r.applied);
    expect(applied).toEqual([
      '0001_create_notifications',
      '0002_failed_triage_indexes',
      '0003_notification_events',
      '0004_webhook_endpoints',
      '0005_webhook_deliveries',
    ]);
    const { rows } = await pool.query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows).toEqual([
      { version: '0001', name: '0001_create_notifications' },
      { version: '0002', name: '0002_failed_triage_indexes' },
      { version: '0003', name: '0003_notification_events' },
      { version: '0004', name: '0004_webhook_endpoints' },
      { version: '0005', name: '0005_webhook_deliveries' },
    ]);
    const table = await pool.query("SELECT to_regclass('public.notifications') AS t");
    expect(table.rows[0].t).toBe('notifications');
  });

  it('reports nothing to do on a later run, through an injected pool it leaves open', async () => {
    expect(await migrate({ pool })).toEqual({ applied: [] });
    await expect(pool.query('SELECT 1')).resolves.toBeDefined();
  });

  it('creates the CHECK on status and the indexes the list and recovery queries rely on', async () => {
    const { rows } = await pool.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE tablename = 'notifications' ORDER BY indexname",
    );
    expect(rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining([
        'notifications_user_created_idx',
        'notifications_status_created_idx',
        'notifications_user_status_created_idx',
        'notifications_template_created_idx',
        'notifications_unpublished_idx',
        'notifications_processing_lease_idx',
        'notifications_status_updated_idx',
        'notifications_error_code_updated_idx',
      ]),
    );
    await expect(
      pool.query(
        `INSERT INTO notifications (id, request_id, user_id, to_email, template_code, status, payload_hash,
           correlation_id, created_at, updated_at)
         VALUES (gen_random_uuid(), 'r', 'u', 'e', 't', 'sent', 'h', 'c', now(), now())`,
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notify-migrations-'));
    try {
      const original = await readFile(join(defaultMigrationsDir(), '0001_create_notifications.sql'), 'utf8');
      await writeFile(join(dir, '0001_create_notifications.sql'), `${original}\n-- edited\n`);
      const failure = await migrate({ pool, migrationsDir: dir }).catch((e: unknown) => e);
      expect(NotifyError.is(failure) && failure.code).toBe('CONFIG_INVALID');
      expect((failure as Error).message).toContain('0001_create_notifications changed');
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('rolls a failing migration back entirely and records nothing for it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notify-migrations-'));
    try {
      await writeFile(
        join(dir, '0001_create_notifications.sql'),
        await readFile(join(defaultMigrationsDir(), '0001_create_notifications.sql'), 'utf8'),
      );
      await writeFile(
        join(dir, '0099_broken.sql'),
        'CREATE TABLE half_done (id int);\nALTER TABLE no_such_table ADD COLUMN x int;',
      );
      const failure = await migrate({ pool, migrationsDir: dir }).catch((e: unknown) => e);
      expect(NotifyError.is(failure) && failure.code).toBe('INTERNAL');
      expect((failure as Error).message).toBe('Migration 0099_broken failed and was rolled back');
      const half = await pool.query("SELECT to_regclass('public.half_done') AS t");
      expect(half.rows[0].t).toBeNull();
      const versions = await pool.query('SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.rows.map((r) => r.version)).toEqual(['0001', '0002', '0003', '0004', '0005']);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('maps an unreachable database to STORE_UNAVAILABLE', async () => {
    const failure = await migrate({ connectionString: await closedPortUrl() }).catch((e: unknown) => e);
    expect(NotifyError.is(failure) && failure.code).toBe('STORE_UNAVAILABLE');
  });
});
