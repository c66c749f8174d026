import type { StatusEvent } from '@notify/email-core';
import { statusNotifierContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';
import { createWebhookNotifier } from '../src/index.js';
import { json, startLocalHttpServer } from './local-http-server.js';

describe('WebhookNotifier against a local receiver', () => {
  statusNotifierContract(it, async () => {
    let broken = false;
    const received: StatusEvent[] = [];
    const server = await startLocalHttpServer((request, response) => {
      if (broken) return json(response, 503, {});
      received.push(JSON.parse(request.body) as StatusEvent);
      return json(response, 200, {});
    });
    const notifier = createWebhookNotifier({
      url: `${server.origin}/status`,
      secret: 'contract-secret',
      retry: { attempts: 50, initialDelayMs: 20, maxDelayMs: 200 },
    });
    return {
      subject: notifier,
      received: async () => received,
      breakReceiver: async () => {
        broken = true;
      },
      restoreReceiver: async () => {
        broken = false;
      },
      cleanup: async () => {
        await notifier.close();
        await server.close();
      },
    };
  });
});
