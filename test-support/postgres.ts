import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Temporary PostgreSQL databases for integration tests. Each call creates a database with a
 * unique name, so test files (and parallel runs of the whole suite) never see each other's rows.
 *
 * The server is found through `TEST_POSTGRES_URL` (default: the loopback server with trust auth).
 */
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection string of the new, empty database. */
  url: string;
  /** Its name, e.g. `notify_test_1a2b3c4d5e6f`. */
  name: string;
  /** Drops the database, disconnecting any session still attached to it. Safe to call twice. */
  drop(): Promise<void>;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  // Identifiers cannot be bound as parameters; the name is built from hex only, so quoting is enough.
  const name = `notify_test_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin(async (admin) => {
        // A pool's end() resolves before its sockets are gone; forcing those sessions off makes
        // the server send them a FATAL that surfaces as an unhandled 'error' in the test process.
        // So give closing sessions a moment to leave on their own first.
        const deadline = Date.now() + 2000;
        while (Date.now() < deadline) {
          const { rows } = await admin.query<{ n: string }>(
            'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if (Number(rows[0]?.n) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        // WITH (FORCE) (PostgreSQL 13+) ends sessions a test forgot to close instead of failing.
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
    },
  };
}
