import { InMemoryNotificationStore } from '@notify/email-core';
import { notificationStoreContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';

describe('InMemoryNotificationStore', () => {
  notificationStoreContract(it, async () => {
    const store = new InMemoryNotificationStore();
    return {
      subject: store,
      makeUnavailable: async () => store.setAvailable(false),
      cleanup: () => store.close(),
    };
  });
});
