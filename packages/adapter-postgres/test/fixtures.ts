import type { Notification } from '@notify/email-core';
import { sampleNotification } from '@notify/email-core/testing';

/**
 * A freshly accepted notification (queued, unpublished), unique per call unless overridden: the
 * core's sample with the fixed user and payload these tests query by.
 */
export function newNotification(overrides: Partial<Notification> = {}): Notification {
  return sampleNotification({
    userId: 'user-1',
    variables: { email: 'ada@example.com', name: 'Ada', tags: ['a', 'b'] },
    metadata: { source: 'test' },
    ...overrides,
  });
}
