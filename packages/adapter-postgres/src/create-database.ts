import { NotifyError } from '@notify/email-core';
import pg from 'pg';
import { toStoreError } from './errors.js';

export interface CreateDatabaseResult {
  /** The database named by the connection string. */
  database: string;
  /** False when it existed already. */
  created: boolean;
}

/** The database a PostgreSQL URL names (its path), or undefined when it names none. */
export function databaseNameOf(connectionString: string): string | undefined {
  try {
    const name = decodeURIComponent(new URL(connectionString).pathname.replace(/^\//, ''));
    return name === '' ? undefined : name;
  } catch {
    return undefined;
  }
}

/**
 * Creates the database `connectionString` names, connecting to the server's `postgres`
 * maintenance database with the same credentials (the way `createdb` does); one that exists
 * already is left alone. For `notify-migrate --create-database` on a fresh server.
 */
export async function createDatabase(connectionString: string): Promise<CreateDatabaseResult> {
  const database = databaseNameOf(connectionString);
  if (database === undefined) {
    throw new NotifyError('CONFIG_INVALID', 'The PostgreSQL URL names no database (its path is empty)', {
      details: [{ path: 'connectionString', message: 'must name a database, e.g. postgres://host/notify' }],
    });
  }
  const maintenance = new URL(connectionString);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  // A connection that fails must reject the call, not crash the process through an 'error' event.
  client.on('error', () => {});
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return { database, created: false };
    // An identifier cannot be a bound parameter; doubling the quotes is PostgreSQL's own escaping.
    await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
    return { database, created: true };
  } catch (error) {
    // Two processes creating at once: the loser sees duplicate_database, which is what it wanted.
    if ((error as { code?: unknown }).code === '42P04') return { database, created: false };
    throw toStoreError('create database', error);
  } finally {
    await client.end().catch(() => {});
  }
}
