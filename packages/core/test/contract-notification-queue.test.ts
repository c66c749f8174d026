import { InMemoryNotificationQueue } from '@notify/email-core';
import { notificationQueueContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';

describe('InMemoryNotificationQueue', () => {
  notificationQueueContract(it, async () => {
    const queue = new InMemoryNotificationQueue();
    return {
      subject: queue,
      makeUnavailable: async () => queue.setAvailable(false),
      cleanup: () => queue.close(),
    };
  });
});
