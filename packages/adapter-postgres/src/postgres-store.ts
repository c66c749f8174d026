import type {
  ClaimRequest,
  Clock,
  InsertResult,
  ListFilter,
  ListPage,
  ListResult,
  NewNotification,
  Notification,
  NotificationEvent,
  NotificationPatch,
  NotificationStore,
  NotificationStoreCapabilities,
  StrandedQuery,
  UpdateGuard,
} from '@notify/email-core';
import { NotifyError, silentLogger, systemClock } from '@notify/email-core';
import pg from 'pg';
import type { RunStatement } from './batch-statement.js';
import { claimBatch } from './claim-batch.js';
import { toStoreError } from './errors.js';
import { PostgresEventLog } from './event-log.js';
import { GroupCommit } from './group-commit.js';
import { InsertBatcher } from './insert-batcher.js';
import { buildListSql } from './list-query.js';
import type { PostgresStoreOptions, ResolvedPostgresStoreOptions } from './options.js';
import { resolvePostgresStoreOptions } from './options.js';
import type { NotificationRow } from './row-mapping.js';
import { fromRow } from './row-mapping.js';
import { type UpdateItem, updateBatch } from './update-batch.js';
import { PostgresWebhookDeliveryStore } from './webhook-delivery-store.js';
import { PostgresWebhookEndpointStore } from './webhook-endpoint-store.js';

const MARK_PUBLISHED_SQL = `
  UPDATE notifications SET published_at = $2
   WHERE request_id = ANY($1::text[])
     AND status IN ('queued', 'retrying') AND published_at IS NULL`;

// Two index-shaped halves (each served by its partial index) rather than one OR over the table.
const STRANDED_SQL = `
  SELECT * FROM (
    (SELECT * FROM notifications
      WHERE published_at IS NULL AND status IN ('queued', 'retrying') AND updated_at < $2
      ORDER BY created_at, id LIMIT $3)
    UNION ALL
    (SELECT * FROM notifications
      WHERE status = 'processing' AND (lease_until IS NULL OR lease_until <= $1)
      ORDER BY created_at, id LIMIT $3)
  ) stranded
  ORDER BY created_at, id
  LIMIT $3`;

/**
 * NotificationStore on PostgreSQL. Every write is a single statement whose WHERE clause carries
 * its precondition, so no transaction spans a network round trip and no lock outlives a query.
 * Concurrent inserts, claims and outcome updates are each grouped into one statement per batch
 * (group-commit.ts), with every row keeping its own precondition and its own answer.
 */
export class PostgresNotificationStore implements NotificationStore {
  readonly capabilities: NotificationStoreCapabilities = { durable: true, shared: true };
  readonly pool: pg.Pool;
  /** The `notification_events` table, written by insert and update with their changes. */
  readonly events: PostgresEventLog = new PostgresEventLog((operation, text, values) =>
    this.rows(operation, text, values),
  );
  /** The `webhook_endpoints` table, on the same pool (closed with the store). */
  readonly webhooks: PostgresWebhookEndpointStore = new PostgresWebhookEndpointStore(
    (operation, text, values) => this.rows(operation, text, values),
  );
  /** The webhook outbox (`webhook_deliveries`), written with the events; same pool. */
  readonly deliveries: PostgresWebhookDeliveryStore = new PostgresWebhookDeliveryStore(
    (operation, text, values) => this.rows(operation, text, values),
  );
  private readonly ownsPool: boolean;
  private readonly settings: ResolvedPostgresStoreOptions;
  private readonly clock: Clock;
  private readonly inserts: InsertBatcher;
  private readonly claims: GroupCommit<ClaimRequest, NotificationRow | null>;
  private readonly updates: GroupCommit<UpdateItem, NotificationRow | null>;
  private closed = false;

  constructor(options: PostgresStoreOptions) {
    this.settings = resolvePostgresStoreOptions(options);
    this.clock = options.clock ?? systemClock;
    this.inserts = new InsertBatcher(this.runner('insert'), {
      maxRows: this.settings.maxInsertBatch,
      maxConcurrent: this.settings.maxConcurrentInserts,
    });
    // A worker's concurrent claims share a statement, and so do its outcome writes; one item per
    // request_id in a statement, so two writes to one record still apply one after the other.
    const updateBatching = {
      maxItems: this.settings.maxUpdateBatch,
      maxConcurrent: this.settings.maxConcurrentUpdates,
      onePerKey: true,
    };
    this.claims = new GroupCommit(
      (requests) => claimBatch(this.runner('claim', 'notify_claim_batch'), requests),
      {
        ...updateBatching,
        keyOf: (request) => request.requestId,
      },
    );
    this.updates = new GroupCommit(
      (items) => updateBatch(this.runner('update', 'notify_update_batch'), items, () => this.clock.now()),
      { ...updateBatching, keyOf: (item) => item.requestId },
    );
    if (this.settings.pool) {
      this.pool = this.settings.pool;
      this.ownsPool = false;
    } else {
      this.pool = new pg.Pool({
        connectionString: this.settings.connectionString,
        max: this.settings.max,
        statement_timeout: this.settings.statementTimeoutMs,
        connectionTimeoutMillis: this.settings.connectTimeoutMs,
      });
      this.ownsPool = true;
      // An idle connection dropped by the server is emitted here; unhandled, it would crash the
      // process. The next query simply opens a new connection.
      const logger = options.logger ?? silentLogger;
      this.pool.on('error', (error) => {
        logger.warn({ err: toStoreError('idle connection', error) }, 'PostgreSQL idle connection lost');
      });
    }
  }

  async insert(notification: NewNotification, event?: NotificationEvent): Promise<InsertResult> {
    // Concurrent inserts share one statement and one commit (insert-batcher.ts), events included.
    const inserted = await this.inserts.insert(notification, event);
    if (inserted) return { created: true, notification: fromRow(inserted) };
    // ON CONFLICT DO NOTHING waited for the competing insert to commit, so this read sees it.
    const existing = await this.getByRequestId(notification.requestId);
    if (!existing) {
      throw new NotifyError(
        'INTERNAL',
        'PostgreSQL notification store: conflicting row vanished during insert',
        {
          retryable: true,
        },
      );
    }
    return { created: false, notification: existing };
  }

  async getByRequestId(requestId: string): Promise<Notification | null> {
    const found = await this.rows('getByRequestId', 'SELECT * FROM notifications WHERE request_id = $1', [
      requestId,
    ]);
    return found[0] ? fromRow(found[0]) : null;
  }

  async list(filter: ListFilter, page: ListPage): Promise<ListResult> {
    const sql = buildListSql(filter, page);
    const rows = await this.rows<NotificationRow & { total: string }>('list', sql.page.text, sql.page.values);
    if (rows[0]) return { items: rows.map(fromRow), total: Number(rows[0].total) };
    // A page past the end has no row to carry the window count; ask for it separately.
    if (page.offset === 0) return { items: [], total: 0 };
    const counted = await this.rows<{ total: string }>('list', sql.count.text, sql.count.values);
    return { items: [], total: Number(counted[0]?.total ?? 0) };
  }

  async claim(request: ClaimRequest): Promise<Notification | null> {
    const claimed = await this.claims.submit(request);
    return claimed ? fromRow(claimed) : null;
  }

  async update(
    requestId: string,
    guard: UpdateGuard,
    patch: NotificationPatch,
  ): Promise<Notification | null> {
    const updated = await this.updates.submit({ requestId, guard, patch });
    return updated ? fromRow(updated) : null;
  }

  async markPublished(requestIds: string[], at: Date): Promise<void> {
    if (requestIds.length === 0) return;
    await this.rows('markPublished', MARK_PUBLISHED_SQL, [requestIds, at]);
  }

  async findStranded(query: StrandedQuery): Promise<Notification[]> {
    const found = await this.rows('findStranded', STRANDED_SQL, [
      query.now,
      query.unpublishedBefore,
      query.limit,
    ]);
    return found.map(fromRow);
  }

  /** `SELECT 1`, bounded by `pingTimeoutMs` even when connecting hangs (a black-holed host). */
  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new NotifyError('STORE_UNAVAILABLE', 'PostgreSQL notification store did not answer ping in time'),
          ),
        this.settings.pingTimeoutMs,
      );
    });
    try {
      await Promise.race([this.rows('ping', 'SELECT 1', []), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the store's own pool (an injected pool belongs to the embedder and stays open). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsPool) await this.pool.end();
  }

  /** `prepared`: the name to prepare a fixed statement under, when preparedStatements is on. */
  private runner(operation: string, prepared?: string): RunStatement {
    const name = this.settings.preparedStatements ? prepared : undefined;
    return (text, values) => this.rows(operation, text, values, name);
  }

  private async rows<R = NotificationRow>(
    operation: string,
    text: string,
    values: unknown[],
    prepared?: string,
  ): Promise<R[]> {
    if (this.closed)
      throw new NotifyError('STORE_UNAVAILABLE', `PostgreSQL notification store is closed (${operation})`);
    try {
      const result = await (prepared === undefined
        ? this.pool.query(text, values)
        : this.pool.query({ name: prepared, text, values }));
      return result.rows as R[];
    } catch (error) {
      throw toStoreError(operation, error);
    }
  }
}

/** Creates the store; throws CONFIG_INVALID naming the bad option. Run `migrate()` first. */
export function createPostgresStore(options: PostgresStoreOptions): PostgresNotificationStore {
  return new PostgresNotificationStore(options);
}
