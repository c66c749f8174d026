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
