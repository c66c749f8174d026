import { InMemoryNotificationStore } from '@notify/email-core';
import { ControllableNotificationStore, notificationStoreContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';

describe('InMemoryNotificationStore', () => {
  notificationStoreContract(it, async () => {
    const store = new InMemoryNotificationStore();
    return {
      subject: store,
      // All an in-memory store can lose is itself: once closed it answers as if unreachable.
      makeUnavailable: () => store.close(),
      cleanup: () => store.close(),
    };
  });
});

describe('ControllableNotificationStore', () => {
  notificationStoreContract(it, async () => {
    const store = new ControllableNotificationStore();
    return {
      subject: store,
      makeUnavailable: async () => store.setAvailable(false),
      cleanup: () => store.close(),
    };
  });
});
