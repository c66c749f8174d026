import { randomUUID } from 'node:crypto';
import { NotifyError } from '../domain/errors.js';
import type { NewNotification } from '../domain/notification.js';
import { parseAcceptBody, payloadFingerprint } from '../validation/index.js';
import type { EngineContext } from './engine-context.js';
import { notificationEvent } from './notification-events.js';
import { messageFor } from './outbox-relay.js';
import { guardStore } from './store-errors.js';
import type { AcceptCommand, AcceptResult } from './views.js';

/**
 * Validate → insert-if-absent → answer. The answer waits for the commit only; the publish is
 * handed to the outbox relay and not awaited, so a broker outage does not stop accepting and a
 * store outage accepts nothing (STORE_UNAVAILABLE).
 *
 * A second request with the same request_id is a client retry when its validated payload has the
 * same fingerprint: it gets the first task_id and the current status, `replayed: true`, and
 * nothing is sent again. A different payload under the same key is IDEMPOTENCY_KEY_REUSED.
 */
export async function acceptNotification(ctx: EngineContext, command: AcceptCommand): Promise<AcceptResult> {
  const payload = parseAcceptBody(command.body, command.idempotencyKey);
  const payloadHash = payloadFingerprint(payload);
  const now = ctx.clock.now();
  const record: NewNotification = {
    id: randomUUID(),
    requestId: payload.request_id,
    userId: payload.user_id,
    toEmail: payload.variables.email,
    templateCode: payload.template_code,
    variables: payload.variables,
    priority: payload.priority,
    metadata: payload.metadata,
    status: 'queued',
    attempts: 0,
    error: null,
    errorCode: null,
    payloadHash,
    correlationId: command.correlationId,
    leaseOwner: null,
    leaseUntil: null,
    publishedAt: null,
    nextAttemptAt: null,
    history: [],
    createdAt: now,
    updatedAt: now,
    deliveredAt: null,
  };
  // The accepted event is written with the record, or not at all (a replay writes none).
  const accepted = notificationEvent('notification.accepted', record, {}, null, now);
  const inserted = await guardStore('store the notification', () => ctx.store.insert(record, accepted));
  const stored = inserted.notification;
  if (!inserted.created) {
    if (stored.payloadHash !== payloadHash) {
      throw new NotifyError(
        'IDEMPOTENCY_KEY_REUSED',
        'This request_id was already used for a different notification',
        { details: [{ path: 'request_id', message: 'already used with a different payload' }] },
      );
    }
    return { replayed: true, request_id: stored.requestId, task_id: stored.id, status: stored.status };
  }
  ctx.relay.enqueue(messageFor(stored));
  // Debug, not info: a host logs the request (the HTTP API's access line carries these ids), and
  // a second info line per notification was a tenth of the API's CPU at saturation.
  ctx.logger.debug(
    { request_id: stored.requestId, task_id: stored.id, correlation_id: stored.correlationId },
    'Notification accepted',
  );
  return { replayed: false, request_id: stored.requestId, task_id: stored.id, status: 'queued' };
}
