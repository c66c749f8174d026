import type { Clock, Logger } from '@notify/email-core';
import { NotifyError } from '@notify/email-core';
import type pg from 'pg';
import { MAX_ROWS_PER_INSERT } from './insert-batcher.js';

export interface PostgresStoreOptions {
  /** `postgres://user:pass@host:5432/db`. Required unless `pool` is given. */
  connectionString?: string;
  /**
   * An existing pool to use instead of creating one (the embedder keeps ownership: `close()` does
   * not end it, and the pool-level options below do not apply to it).
   */
  pool?: pg.Pool;
  /** Most connections the store's own pool opens. Default 10. */
  max?: number;
  /** Server-side limit on any one statement, in ms; a slower statement fails as STORE_UNAVAILABLE. Default 10000. */
  statementTimeoutMs?: number;
  /** How long to wait for a new connection before failing with STORE_UNAVAILABLE, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /** How long `ping()` waits before reporting the store down, in ms. Default 2000. */
  pingTimeoutMs?: number;
  /**
   * Most new notifications committed by one INSERT statement (group commit, see insert-batcher.ts).
   * Under load, inserts that arrive while others are in flight share one statement and one WAL
   * flush; an idle store still sends each at once. `1` turns batching off. Default 256, at most 2978
   * (PostgreSQL's 65 535 bind parameters).
   */
  maxInsertBatch?: number;
  /**
   * Most INSERT statements in flight at once; the rest of the pool stays free for the other
   * queries. Default half of `max` (at least 1). Fewer means larger batches and fewer flushes.
   */
  maxConcurrentInserts?: number;
  /**
   * Most claims, or most outcome updates, applied by one UPDATE statement (group commit, as for
   * inserts): a worker's concurrent claims share one statement and one WAL flush, and so do its
   * outcomes. `1` turns batching off. Default 256.
   */
  maxUpdateBatch?: number;
  /**
   * Most claim statements, and most outcome-update statements, in flight at once. Default 1: a
   * claim is one short statement, so one in flight already keeps up with thousands a second, and
   * every claim that arrives while it runs joins the next one (larger batches, fewer commits).
   */
  maxConcurrentUpdates?: number;
  /**
   * Run the fixed claim and outcome-update statements as named prepared statements, planned once
   * per connection instead of once per batch (~10 % less PostgreSQL CPU per message, measured).
   * Turn off behind a pooler that cannot keep prepared statements across transactions (PgBouncer
   * in transaction mode before 1.21). Default true.
   */
  preparedStatements?: boolean;
  /** Stamps `updatedAt` when a patch does not carry one (the same clock as the engine's). Default: system clock. */
  clock?: Clock;
  /** Where idle-connection errors of the store's own pool are reported. Default: silent. */
  logger?: Logger;
}

export interface ResolvedPostgresStoreOptions {
  connectionString: string | undefined;
  pool: pg.Pool | undefined;
  max: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  pingTimeoutMs: number;
  maxInsertBatch: number;
  maxConcurrentInserts: number;
  maxUpdateBatch: number;
  maxConcurrentUpdates: number;
  preparedStatements: boolean;
}

function invalid(key: string, rule: string): NotifyError {
  return new NotifyError('CONFIG_INVALID', `PostgresStoreOptions.${key} ${rule}`, {
    details: [{ path: key, message: rule }],
  });
}

function positiveInt(
  options: PostgresStoreOptions,
  key: keyof PostgresStoreOptions,
  fallback: number,
): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw invalid(key, `must be a positive integer (got ${String(value)})`);
  }
  return value;
}

function optionalBoolean(
  options: PostgresStoreOptions,
  key: keyof PostgresStoreOptions,
  fallback: boolean,
): boolean {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalid(key, `must be true or false (got ${String(value)})`);
  return value;
}

/** Checks every option and fills in defaults; throws CONFIG_INVALID naming the first bad key. */
export function resolvePostgresStoreOptions(options: PostgresStoreOptions): ResolvedPostgresStoreOptions {
  if (typeof options !== 'object' || options === null) throw invalid('(options)', 'must be an object');
  const { connectionString, pool } = options;
  if (pool === undefined) {
    if (typeof connectionString !== 'string' || connectionString.trim() === '') {
      throw invalid('connectionString', 'is required when no pool is given');
    }
    if (!/^postgres(ql)?:\/\//.test(connectionString)) {
      throw invalid('connectionString', 'must be a postgres:// or postgresql:// URL');
    }
  } else if (typeof (pool as { query?: unknown }).query !== 'function') {
    throw invalid('pool', 'must be a pg.Pool');
  }
  const max = positiveInt(options, 'max', 10);
  const maxInsertBatch = positiveInt(options, 'maxInsertBatch', 256);
  if (maxInsertBatch > MAX_ROWS_PER_INSERT) {
    throw invalid('maxInsertBatch', `must be at most ${MAX_ROWS_PER_INSERT} (got ${maxInsertBatch})`);
  }
  return {
    connectionString: pool === undefined ? connectionString : undefined,
    pool,
    max,
    statementTimeoutMs: positiveInt(options, 'statementTimeoutMs', 10_000),
    connectTimeoutMs: positiveInt(options, 'connectTimeoutMs', 5_000),
    pingTimeoutMs: positiveInt(options, 'pingTimeoutMs', 2_000),
    maxInsertBatch,
    maxConcurrentInserts: positiveInt(options, 'maxConcurrentInserts', Math.max(1, Math.floor(max / 2))),
    maxUpdateBatch: positiveInt(options, 'maxUpdateBatch', 256),
    maxConcurrentUpdates: positiveInt(options, 'maxConcurrentUpdates', 1),
    preparedStatements: optionalBoolean(options, 'preparedStatements', true),
  };
}
