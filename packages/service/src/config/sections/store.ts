import { boolean, integer, url } from '../env-parsers.js';
import { section, variable } from '../variable.js';

export const storeSection = section({
  title: 'Store',
  variables: {
    DATABASE_URL: variable({
      schema: url(
        ['postgres', 'postgresql'],
        ' (PostgreSQL is the only database; leave it unset for the in-memory store)',
      ),
      default: 'unset: in-memory',
      example: 'postgresql://notify:secret@db:5432/email_service',
      meaning:
        'PostgreSQL, the source of truth. `postgres://` or `postgresql://` only. Apply the schema with `notify-migrate` (the API does not migrate on start).',
      secret: true,
    }),
    DATABASE_POOL_SIZE: variable({
      schema: integer(1, 1000, 10),
      default: '`10`',
      example: '20',
      meaning: 'Connections per process.',
    }),
    DATABASE_PREPARED_STATEMENTS: variable({
      schema: boolean(true),
      default: '`true`',
      example: 'false',
      meaning:
        'Batched claims and outcome updates as named prepared statements; `false` behind PgBouncer in transaction mode before 1.21.',
    }),
  },
  build: (v) => ({
    /** PostgreSQL; undefined = the in-memory store (embedded mode). */
    url: v.DATABASE_URL,
    poolSize: v.DATABASE_POOL_SIZE,
    preparedStatements: v.DATABASE_PREPARED_STATEMENTS,
  }),
});
