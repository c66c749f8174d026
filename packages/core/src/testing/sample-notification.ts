import { randomUUID } from 'node:crypto';
import type { Notification } from '../domain/notification.js';

/** A fixed instant far from the wall clock, so stores cannot pass by accident with `new Date()`. */
export const CONTRACT_EPOCH = new Date('2030-01-01T00:00:00.000Z');

/** A plausible, freshly accepted notification; override any field. Ids are unique per call. */
export function sampleNotification(overrides: Partial<Notification> = {}): Notification {
  const requestId = overrides.requestId ?? `req-${randomUUID()}`;
  const createdAt = overrides.createdAt ?? CONTRACT_EPOCH;
  return {
    id: randomUUID(),
    requestId,
    userId: `user-${randomUUID()}`,
    toEmail: 'ada@example.com',
    templateCode: 'welcome',
    variables: { email: 'ada@example.com', name: 'Ada', nested: { list: [1, 'two', { three: true }] } },
    priority: 10,
    metadata: { campaign: 'spring', tags: ['a', 'b'] },
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
    createdAt,
    updatedAt: overrides.updatedAt ?? createdAt,
    deliveredAt: null,
    ...overrides,
  };
}

/** `base` shifted by `ms` milliseconds. */
export function at(ms: number, base: Date = CONTRACT_EPOCH): Date {
  return new Date(base.getTime() + ms);
}
