import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { onCleanup } from './cleanup.js';
import { SERVICE_ROOT, serviceBin } from './paths.js';

const run = promisify(execFile);

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const AMQP = { host: '127.0.0.1', port: 5672, user: 'guest', password: 'guest' };

/** A fresh, migrated database and an empty vhost: what one scenario's processes share. */
export interface Stack {
  databaseUrl: string;
  rabbitmqUrl: string;
  vhost: string;
  /** Read-only queries for the harness (counts while draining). */
  db: pg.Pool;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function rabbitmqctl(...args: string[]): Promise<unknown> {
  return run('rabbitmqctl', ['-q', ...args], { timeout: 60_000 });
}

export async function createStack(label: string): Promise<Stack> {
  const id = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database = `notify_bench_${label}_${id}`;
  await admin(`CREATE DATABASE "${database}"`);
  onCleanup(`drop database ${database}`, () => admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  // The stock migration command, as an operator runs it before starting the API.
  await run(process.execPath, [join(SERVICE_ROOT, serviceBin('migrate'))], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });

  const vhost = `notify-bench-${label}-${id}`;
  await rabbitmqctl('add_vhost', vhost);
  onCleanup(`delete vhost ${vhost}`, async () => {
    await rabbitmqctl('delete_vhost', vhost);
  });
  await rabbitmqctl('set_permissions', '-p', vhost, AMQP.user, '.*', '.*', '.*');
  const rabbitmqUrl = `amqp://${AMQP.user}:${AMQP.password}@${AMQP.host}:${AMQP.port}/${encodeURIComponent(vhost)}`;

  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  db.on('error', () => {
    // The database is dropped WITH (FORCE) at cleanup; a pool left open must not crash the run.
  });
  onCleanup(`close pool of ${database}`, () => db.end());
  return { databaseUrl, rabbitmqUrl, vhost, db };
}

/** Notifications by status in the stack's database. */
export async function statusCounts(db: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM notifications GROUP BY status',
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Notifications the outbox relay has published to the queue. */
export async function publishedCount(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM notifications WHERE published_at IS NOT NULL',
  );
  return Number(rows[0]?.n ?? 0);
}

export async function versions(): Promise<{ postgres: string; rabbitmq: string }> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    const { stdout } = await run('rabbitmqctl', ['-q', 'version'], { timeout: 30_000 });
    return { postgres: rows[0]?.server_version ?? '?', rabbitmq: stdout.trim() };
  } finally {
    await client.end();
  }
}
