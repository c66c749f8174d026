import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { NotifyError } from '@notify/email-core';
import pg from 'pg';
import { toStoreError } from './errors.js';

export interface MigrateOptions {
  /** Database to migrate. Required unless `pool` is given. */
  connectionString?: string;
  /** An existing pool to borrow one connection from (left open afterwards). */
  pool?: pg.Pool;
  /**
   * Directory of numbered `.sql` files (as migrations/0001_create_notifications.sql). Default: the
   * package's own `migrations/`.
   */
  migrationsDir?: string;
}

export interface MigrateResult {
  /** Migrations applied by this call, e.g. `['0001_create_notifications']`; empty when up to date. */
  applied: string[];
}

interface MigrationFile {
  /** `0001` */
  version: string;
  /** `0001_create_notifications` */
  name: string;
  sql: string;
  checksum: string;
}

/**
 * Session-level advisory lock key shared by every process that migrates this database. Advisory
 * locks are per database, so unrelated databases on one server never wait for each other.
 */
const MIGRATION_LOCK_KEY = 4_710_512_117_301n;

/** The shipped migrations: `../migrations` from `src/` (tests) and from `dist/` chunks (published). */
export function defaultMigrationsDir(): string {
  const candidates = ['../migrations/', '../../migrations/'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0]!;
}

async function loadMigrations(dir: string): Promise<MigrationFile[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const sql = await readFile(`${dir}/${file}`, 'utf8');
      return {
        version: file.slice(0, 4),
        name: file.slice(0, -'.sql'.length),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    }),
  );
}

/**
 * Applies every migration not yet recorded in `schema_migrations`, in order, each in its own
 * transaction. Safe to run from several processes at once: they queue on an advisory lock and
 * the later ones find nothing left to do. Refuses to continue when an applied file was edited.
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  if (!options.pool && !options.connectionString) {
    throw new NotifyError(
      'CONFIG_INVALID',
      'MigrateOptions.connectionString is required when no pool is given',
      {
        details: [{ path: 'connectionString', message: 'is required when no pool is given' }],
      },
    );
  }
  const migrations = await loadMigrations(options.migrationsDir ?? defaultMigrationsDir());
  const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: 1 });
  // A failed connection of our own short-lived pool must reject migrate(), not crash the process.
  if (!options.pool) pool.on('error', () => {});
  let client: pg.PoolClient | undefined;
  try {
    client = await pool.connect();
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      return await applyPending(client, migrations);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
    }
  } catch (error) {
    throw NotifyError.is(error) ? error : toStoreError('migrate', error);
  } finally {
    client?.release();
    if (!options.pool) await pool.end();
  }
}

async function applyPending(client: pg.PoolClient, migrations: MigrationFile[]): Promise<MigrateResult> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version    text        PRIMARY KEY,
      name       text        NOT NULL,
      checksum   text        NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  const { rows } = await client.query<{ version: string; name: string; checksum: string }>(
    'SELECT version, name, checksum FROM schema_migrations',
  );
  const done = new Map(rows.map((row) => [row.version, row]));
  const applied: string[] = [];
  for (const migration of migrations) {
    const previous = done.get(migration.version);
    if (previous) {
      if (previous.checksum !== migration.checksum) {
        throw new NotifyError(
          'CONFIG_INVALID',
          `Migration ${migration.name} changed after it was applied; add a new migration instead`,
        );
      }
      continue;
    }
    try {
      await client.query('BEGIN');
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      const failure = toStoreError(`migration ${migration.name}`, error);
      if (failure.code === 'STORE_UNAVAILABLE') throw failure;
      throw new NotifyError('INTERNAL', `Migration ${migration.name} failed and was rolled back`, {
        cause: error,
        retryable: false,
      });
    }
    applied.push(migration.name);
  }
  return { applied };
}
