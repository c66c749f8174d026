import { InMemoryNotificationQueue } from '@notify/email-core';
import { ControllableNotificationQueue, notificationQueueContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';

describe('InMemoryNotificationQueue', () => {
  notificationQueueContract(it, async () => {
    const queue = new InMemoryNotificationQueue();
    return {
      subject: queue,
      // All an in-memory queue can lose is itself: once closed it answers as if unreachable.
      makeUnavailable: () => queue.close(),
      cleanup: () => queue.close(),
    };
  });
});

describe('ControllableNotificationQueue', () => {
  notificationQueueContract(it, async () => {
    const queue = new ControllableNotificationQueue();
    return {
      subject: queue,
      makeUnavailable: async () => queue.setAvailable(false),
      cleanup: () => queue.close(),
    };
  });
});
