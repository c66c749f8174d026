import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test-support/postgres.js';
import { closedPortUrl } from '../../../test-support/unreachable.js';
import { MIGRATE_EXIT, runMigrateCli } from '../src/cli/migrate-cli.js';

describe('notify-migrate CLI', () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
  }

  it('migrates DATABASE_URL, prints what it applied, then that it is up to date', async () => {
    const db = await createTestDatabase();
    try {
      const first = capture();
      expect(await runMigrateCli({ DATABASE_URL: db.url }, first.io)).toBe(MIGRATE_EXIT.ok);
      expect(first.out).toEqual([
        'notify-migrate: applied 0001_create_notifications',
        'notify-migrate: applied 0002_failed_triage_indexes',
        'notify-migrate: applied 0003_notification_events',
        'notify-migrate: applied 0004_webhook_endpoints',
        'notify-migrate: applied 0005_webhook_deliveries',
      ]);
      const second = capture();
      expect(await runMigrateCli({ DATABASE_URL: db.url }, second.io)).toBe(MIGRATE_EXIT.ok);
      expect(second.out).toEqual(['notify-migrate: database is up to date']);
    } finally {
      await db.drop();
    }
  });

  it('exits 2 without DATABASE_URL and 3 when the database is down, never echoing the URL', async () => {
    const missing = capture();
    expect(await runMigrateCli({}, missing.io)).toBe(MIGRATE_EXIT.config);
    expect(missing.err).toEqual(['notify-migrate: DATABASE_URL is not set']);
    const down = capture();
    const url = (await closedPortUrl()).replace('postgres@', 'postgres:s3cret@');
    expect(await runMigrateCli({ DATABASE_URL: url }, down.io)).toBe(MIGRATE_EXIT.unavailable);
    expect(down.err.join('\n')).toMatch(/unavailable during migrate \[ECONNREFUSED\]/);
    expect(down.err.join('\n')).not.toContain('s3cret');
  });
});

describe('notify-migrate on a server without the database', () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
  }
  /** A URL of the test server naming a database it does not have; dropped again afterwards. */
  function missingDatabase() {
    const base = new URL(process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    const name = `notify_missing_${Date.now().toString(36)}_${process.pid}`;
    base.pathname = `/${name}`;
    const drop = async () => {
      const admin = new pg.Client({
        connectionString: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    };
    return { url: base.toString(), name, drop };
  }

  it('names the database, says it does not exist, and gives the command that creates it (exit 2)', async () => {
    const missing = missingDatabase();
    const run = capture();
    expect(await runMigrateCli({ DATABASE_URL: missing.url }, run.io)).toBe(MIGRATE_EXIT.config);
    const said = run.err.join('\n');
    expect(said).toContain(`The PostgreSQL database "${missing.name}" does not exist`);
    expect(said).toContain('notify-migrate --create-database');
    expect(said).toContain(`createdb -h 127.0.0.1 -p 5432 -U postgres ${missing.name}`);
  });

  it('creates it with --create-database, then migrates; a second run finds it', async () => {
    const missing = missingDatabase();
    try {
      const first = capture();
      expect(await runMigrateCli({ DATABASE_URL: missing.url }, first.io, ['--create-database'])).toBe(
        MIGRATE_EXIT.ok,
      );
      expect(first.out[0]).toBe(`notify-migrate: created database ${missing.name}`);
      expect(first.out).toContain('notify-migrate: applied 0001_create_notifications');
      const second = capture();
      expect(await runMigrateCli({ DATABASE_URL: missing.url }, second.io, ['--create-database'])).toBe(
        MIGRATE_EXIT.ok,
      );
      expect(second.out).toEqual([
        `notify-migrate: found database ${missing.name}`,
        'notify-migrate: database is up to date',
      ]);
    } finally {
      await missing.drop();
    }
  });
});
