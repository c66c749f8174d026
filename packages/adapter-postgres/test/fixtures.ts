import { randomUUID } from 'node:crypto';
import type { Notification } from '@notify/email-core';

/** A freshly accepted notification (queued, unpublished), unique per call unless overridden. */
export function newNotification(overrides: Partial<Notification> = {}): Notification {
  const at = overrides.createdAt ?? new Date('2030-01-01T00:00:00.000Z');
  return {
    id: randomUUID(),
    requestId: `req-${randomUUID()}`,
    userId: 'user-1',
    toEmail: 'ada@example.com',
    templateCode: 'welcome',
    variables: { email: 'ada@example.com', name: 'Ada', tags: ['a', 'b'] },
    priority: 10,
    metadata: { source: 'test' },
    status: 'queued',
    attempts: 0,
    error: null,
    errorCode: null,
    payloadHash: 'a'.repeat(64),
    correlationId: `corr-${randomUUID()}`,
    leaseOwner: null,
    leaseUntil: null,
    publishedAt: null,
    nextAttemptAt: null,
    history: [],
    createdAt: at,
    updatedAt: at,
    deliveredAt: null,
    ...overrides,
  };
}
