import type {
  EventSubscription,
  WebhookEndpoint,
  WebhookEndpointPage,
  WebhookEndpointPatch,
  WebhookEndpointStore,
} from '@notify/email-core';
import { NotifyError } from '@notify/email-core';
import type { RunQuery } from './event-log.js';

/** A `webhook_endpoints` row as pg returns it (timestamptz → Date, text[] → string[]). */
export interface WebhookEndpointRow {
  id: string;
  kind: WebhookEndpoint['kind'];
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = [
  'id',
  'kind',
  'url',
  'events',
  'description',
  'enabled',
  'secret',
  'previous_secret',
  'previous_secret_expires_at',
  'failing_since',
  'created_at',
  'updated_at',
] as const;

/** The column each field of a patch writes: the only names that reach the UPDATE's text. */
const PATCH_COLUMNS: { [K in keyof Required<WebhookEndpointPatch>]: string } = {
  url: 'url',
  events: 'events',
  description: 'description',
  enabled: 'enabled',
  secret: 'secret',
  previousSecret: 'previous_secret',
  previousSecretExpiresAt: 'previous_secret_expires_at',
  failingSince: 'failing_since',
  updatedAt: 'updated_at',
};

const INSERT_SQL = `
  INSERT INTO webhook_endpoints (${COLUMNS.join(', ')})
  VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  RETURNING *`;

const GET_SQL = 'SELECT * FROM webhook_endpoints WHERE id = $1';

const LIST_SQL = `
  SELECT *, COUNT(*) OVER () AS total FROM webhook_endpoints
   WHERE kind = 'webhook'
   ORDER BY created_at DESC, id DESC
   LIMIT $1 OFFSET $2`;

const COUNT_SQL = "SELECT COUNT(*) AS total FROM webhook_endpoints WHERE kind = 'webhook'";

const SAVE_SQL = `
  INSERT INTO webhook_endpoints (${COLUMNS.join(', ')})
  VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (id) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'id' && c !== 'created_at')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ')}
  RETURNING *`;

const DELETE_SQL = 'DELETE FROM webhook_endpoints WHERE id = $1 RETURNING id';

/** unique_violation: here only the primary key can raise it. */
const UNIQUE_VIOLATION = '23505';

/**
 * The `webhook_endpoints` table (migrations/0004_webhook_endpoints.sql). Each method is one
 * statement, so every write is atomic without a transaction. PostgresNotificationStore builds
 * one as `store.webhooks` over its own pool and error mapping.
 */
export class PostgresWebhookEndpointStore implements WebhookEndpointStore {
  constructor(private readonly query: RunQuery) {}

  async create(endpoint: WebhookEndpoint): Promise<WebhookEndpoint> {
    try {
      const rows = await this.query<WebhookEndpointRow>('webhooks.create', INSERT_SQL, valuesOf(endpoint));
      return endpointFromRow(rows[0] as WebhookEndpointRow);
    } catch (error) {
      if (
        NotifyError.is(error) &&
        (error.cause as { code?: unknown } | undefined)?.code === UNIQUE_VIOLATION
      ) {
        throw new NotifyError('INTERNAL', `webhook endpoint ${endpoint.id} exists already`, {
          cause: error.cause,
          retryable: false,
        });
      }
      throw error;
    }
  }

  async save(endpoint: WebhookEndpoint): Promise<WebhookEndpoint> {
    const rows = await this.query<WebhookEndpointRow>('webhooks.save', SAVE_SQL, valuesOf(endpoint));
    return endpointFromRow(rows[0] as WebhookEndpointRow);
  }

  async get(id: string): Promise<WebhookEndpoint | null> {
    const rows = await this.query<WebhookEndpointRow>('webhooks.get', GET_SQL, [id]);
    return rows[0] ? endpointFromRow(rows[0]) : null;
  }

  async list(page: { limit: number; offset: number }): Promise<WebhookEndpointPage> {
    const rows = await this.query<WebhookEndpointRow & { total: string }>('webhooks.list', LIST_SQL, [
      page.limit,
      page.offset,
    ]);
    if (rows[0]) return { items: rows.map((row) => endpointFromRow(row)), total: Number(rows[0].total) };
    // A page past the end has no row to carry the window count; ask for it separately.
    if (page.offset === 0) return { items: [], total: 0 };
    const counted = await this.query<{ total: string }>('webhooks.list', COUNT_SQL, []);
    return { items: [], total: Number(counted[0]?.total ?? 0) };
  }

  async update(id: string, patch: WebhookEndpointPatch, ifSecret?: string): Promise<WebhookEndpoint | null> {
    // Only the fields the patch holds are set; `null` is a value (it clears), `undefined` is absent.
    const values: unknown[] = [id];
    const set: string[] = [];
    for (const [field, column] of Object.entries(PATCH_COLUMNS)) {
      const value = patch[field as keyof WebhookEndpointPatch];
      if (value === undefined) continue;
      values.push(value);
      set.push(`${column} = $${values.length}`);
    }
    if (set.length === 0) return this.get(id);
    let where = 'id = $1';
    if (ifSecret !== undefined) {
      values.push(ifSecret);
      where += ` AND secret = $${values.length}`;
    }
    const rows = await this.query<WebhookEndpointRow>(
      'webhooks.update',
      `UPDATE webhook_endpoints SET ${set.join(', ')} WHERE ${where} RETURNING *`,
      values,
    );
    return rows[0] ? endpointFromRow(rows[0]) : null;
  }

  async delete(id: string): Promise<boolean> {
    const rows = await this.query<{ id: string }>('webhooks.delete', DELETE_SQL, [id]);
    return rows.length > 0;
  }
}

/** The values of COLUMNS, in order. */
function valuesOf(endpoint: WebhookEndpoint): unknown[] {
  return [
    endpoint.id,
    endpoint.kind,
    endpoint.url,
    endpoint.events,
    endpoint.description,
    endpoint.enabled,
    endpoint.secret,
    endpoint.previousSecret,
    endpoint.previousSecretExpiresAt,
    endpoint.failingSince,
    endpoint.createdAt,
    endpoint.updatedAt,
  ];
}

/** A time as pg gives it (Date) or as `to_jsonb` does (ISO text). */
type Time = Date | string;

function timeOrNull(value: Time | null): Date | null {
  return value === null ? null : new Date(value);
}

/**
 * An endpoint from its row: as the table's own queries return it, or as `to_jsonb(w)` does in the
 * delivery store's claim (webhook-delivery-store.ts), where the times come as ISO text.
 */
export function endpointFromRow(
  row: Omit<
    WebhookEndpointRow,
    'previous_secret_expires_at' | 'failing_since' | 'created_at' | 'updated_at'
  > & {
    previous_secret_expires_at: Time | null;
    failing_since: Time | null;
    created_at: Time;
    updated_at: Time;
  },
): WebhookEndpoint {
  return {
    id: row.id,
    kind: row.kind,
    url: row.url,
    events: row.events as EventSubscription[],
    description: row.description,
    enabled: row.enabled,
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: timeOrNull(row.previous_secret_expires_at),
    failingSince: timeOrNull(row.failing_since),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
