import { InMemoryNotificationStore } from '@notify/email-core';
import { ControllableNotificationStore, eventLogContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';

describe('InMemoryNotificationStore events', () => {
  eventLogContract(it, async () => {
    const store = new InMemoryNotificationStore();
    return { subject: store, makeUnavailable: () => store.close(), cleanup: () => store.close() };
  });
});

describe('ControllableNotificationStore events', () => {
  eventLogContract(it, async () => {
    const store = new ControllableNotificationStore();
    return {
      subject: store,
      makeUnavailable: async () => store.setAvailable(false),
      cleanup: () => store.close(),
    };
  });
});
