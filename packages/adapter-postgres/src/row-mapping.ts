import type { AttemptRecord, Notification, NotificationStatus } from '@notify/email-core';

/** A `notifications` row as pg returns it (timestamptz → Date, jsonb → parsed JSON). */
export interface NotificationRow {
  id: string;
  request_id: string;
  user_id: string;
  to_email: string;
  template_code: string;
  variables: Record<string, unknown>;
  priority: number;
  metadata: Record<string, unknown>;
  status: NotificationStatus;
  attempts: number;
  error: string | null;
  error_code: string | null;
  payload_hash: string;
  correlation_id: string;
  lease_owner: string | null;
  lease_until: Date | null;
  published_at: Date | null;
  next_attempt_at: Date | null;
  history: StoredAttempt[];
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
}

/** History entries live in jsonb, where a Date becomes an ISO string. */
type StoredAttempt = Omit<AttemptRecord, 'at'> & { at: string };

export const NOTIFICATION_COLUMNS = [
  'id',
  'request_id',
  'user_id',
  'to_email',
  'template_code',
  'variables',
  'priority',
  'metadata',
  'status',
  'attempts',
  'error',
  'error_code',
  'payload_hash',
  'correlation_id',
  'lease_owner',
  'lease_until',
  'published_at',
  'next_attempt_at',
  'history',
  'created_at',
  'updated_at',
  'delivered_at',
] as const;

export function fromRow(row: NotificationRow): Notification {
  return {
    id: row.id,
    requestId: row.request_id,
    userId: row.user_id,
    toEmail: row.to_email,
    templateCode: row.template_code,
    variables: row.variables,
    priority: row.priority,
    metadata: row.metadata,
    status: row.status,
    attempts: row.attempts,
    error: row.error,
    errorCode: row.error_code,
    payloadHash: row.payload_hash,
    correlationId: row.correlation_id,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    publishedAt: row.published_at,
    nextAttemptAt: row.next_attempt_at,
    history: row.history.map(fromStoredAttempt),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
  };
}

function fromStoredAttempt(entry: StoredAttempt): AttemptRecord {
  return { ...entry, at: new Date(entry.at) };
}

/** Parameters for an INSERT listing NOTIFICATION_COLUMNS in order. jsonb values are sent as JSON text. */
export function toInsertValues(n: Notification): unknown[] {
  return [
    n.id,
    n.requestId,
    n.userId,
    n.toEmail,
    n.templateCode,
    // Stringified explicitly: pg would turn a JS array into a PostgreSQL array, not a JSON one.
    JSON.stringify(n.variables),
    n.priority,
    JSON.stringify(n.metadata),
    n.status,
    n.attempts,
    n.error,
    n.errorCode,
    n.payloadHash,
    n.correlationId,
    n.leaseOwner,
    n.leaseUntil,
    n.publishedAt,
    n.nextAttemptAt,
    JSON.stringify(n.history),
    n.createdAt,
    n.updatedAt,
    n.deliveredAt,
  ];
}
