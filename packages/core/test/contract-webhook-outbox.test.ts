import { InMemoryNotificationStore } from '@notify/email-core';
import { webhookOutboxContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';

describe('InMemoryNotificationStore webhook outbox', () => {
  webhookOutboxContract(it, async () => {
    const store = new InMemoryNotificationStore();
    return { subject: store, cleanup: () => store.close() };
  });
});
