import { parseArgs } from 'node:util';
import { createDatabase, databaseNameOf, migrate } from '@notify/adapter-postgres';
import { NotifyError } from '@notify/email-core';

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Exit codes of `notify-migrate`, so deploy scripts can tell a bad setting from a down database. */
export const MIGRATE_EXIT = { ok: 0, failed: 1, config: 2, unavailable: 3 } as const;

const MIGRATE_USAGE = `Usage: notify-migrate [--create-database] [--help]

Applies the PostgreSQL schema of notify-email to the database named by DATABASE_URL: the
versioned migrations not applied yet, each in its own transaction, under an advisory lock, so
several processes may run it at once. Prints each migration it applied, or that the database is
up to date. MIGRATIONS_DIR overrides the folder of .sql files (default: the shipped ones).

Options:
  --create-database   Create the database first when the server does not have it (through the
                      server's postgres database, with the same credentials, as createdb does)
  -h, --help          This text

Exit codes: 0 done, 1 failed, 2 configuration or usage error, 3 database unreachable.`;

/**
 * `notify-migrate`: migrates the database named by DATABASE_URL and prints what it applied.
 * Returns the exit code instead of exiting, so it can be tested in-process.
 */
export async function runMigrateCli(
  env: NodeJS.ProcessEnv,
  io: CliOutput,
  argv: string[] = [],
): Promise<number> {
  let createFirst = false;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, 'create-database': { type: 'boolean' } },
      strict: true,
    });
    if (values.help) {
      io.out(MIGRATE_USAGE);
      return MIGRATE_EXIT.ok;
    }
    createFirst = values['create-database'] === true;
  } catch (error) {
    io.err(
      `notify-migrate: ${error instanceof Error ? error.message : String(error)}; see notify-migrate --help`,
    );
    return MIGRATE_EXIT.config;
  }
  const connectionString = env.DATABASE_URL;
  if (!connectionString) {
    io.err('notify-migrate: DATABASE_URL is not set');
    return MIGRATE_EXIT.config;
  }
  try {
    if (createFirst) {
      const { database, created } = await createDatabase(connectionString);
      io.out(`notify-migrate: ${created ? 'created' : 'found'} database ${database}`);
    }
    const { applied } = await migrate({ connectionString, migrationsDir: env.MIGRATIONS_DIR || undefined });
    if (applied.length === 0) io.out('notify-migrate: database is up to date');
    for (const name of applied) io.out(`notify-migrate: applied ${name}`);
    return MIGRATE_EXIT.ok;
  } catch (error) {
    // The driver's message can quote the connection string; print our own message and the cause's code only.
    const message = NotifyError.is(error) ? error.message : 'unexpected failure';
    const cause = NotifyError.is(error) ? (error.cause as { code?: unknown } | undefined) : undefined;
    const code = typeof cause?.code === 'string' ? ` [${cause.code}]` : '';
    io.err(`notify-migrate: ${message}${code}`);
    if (cause?.code === '3D000') io.err(createHint(connectionString));
    if (NotifyError.is(error) && error.code === 'STORE_UNAVAILABLE') return MIGRATE_EXIT.unavailable;
    if (NotifyError.is(error) && error.code === 'CONFIG_INVALID') return MIGRATE_EXIT.config;
    return MIGRATE_EXIT.failed;
  }
}

/** How to create the missing database: this command's flag, or createdb with the URL's parts (never its password). */
function createHint(connectionString: string): string {
  const name = databaseNameOf(connectionString) ?? 'the database';
  let createdb = '';
  try {
    const url = new URL(connectionString);
    const parts = [
      url.hostname ? `-h ${url.hostname}` : '',
      url.port ? `-p ${url.port}` : '',
      url.username ? `-U ${decodeURIComponent(url.username)}` : '',
    ].filter(Boolean);
    createdb = ` (or: createdb ${[...parts, name].join(' ')})`;
  } catch {
    // not a URL: the flag is hint enough
  }
  return `notify-migrate: create it with notify-migrate --create-database${createdb}`;
}
