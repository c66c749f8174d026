import {
  eventLogContract,
  notificationStoreContract,
  webhookEndpointStoreContract,
  webhookOutboxContract,
} from '@notify/email-core/testing';
import { afterAll, beforeAll, it } from 'vitest';
import type { TestDatabase } from '../../../test-support/postgres.js';
import { createTestDatabase } from '../../../test-support/postgres.js';
import { startCuttableProxy } from '../../../test-support/tcp-proxy.js';
import { createPostgresStore, migrate } from '../src/index.js';

// One database for the whole suite (the contract keeps cases apart by their own ids); each case
// gets a fresh store reaching it through its own proxy, so `makeUnavailable` is a real outage:
// open connections are dropped and new ones refused.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await migrate({ connectionString: db.url });
});
afterAll(async () => {
  await db?.drop();
});

async function makeStore() {
  const target = new URL(db.url);
  const proxy = await startCuttableProxy(Number(target.port || 5432), target.hostname);
  const viaProxy = new URL(db.url);
  viaProxy.hostname = proxy.host;
  viaProxy.port = String(proxy.port);
  const subject = createPostgresStore({
    connectionString: viaProxy.toString(),
    max: 25,
    connectTimeoutMs: 1000,
  });
  return {
    subject,
    makeUnavailable: () => proxy.cut(),
    async cleanup() {
      await subject.close();
      await proxy.close();
    },
  };
}

notificationStoreContract(it, makeStore);
// The same store writes its events with its changes; `store.events` reads them.
eventLogContract(it, makeStore);

// The endpoint store shares the notification store's pool (`store.webhooks`). Its contract wants
// an empty store per case, and the cases of a file run one after another: each starts by emptying
// the table of this file's database.
webhookEndpointStoreContract(it, async () => {
  const store = createPostgresStore({ connectionString: db.url, max: 2 });
  await store.pool.query('TRUNCATE webhook_endpoints CASCADE');
  return { subject: store.webhooks, cleanup: () => store.close() };
});

// The outbox contract wants no endpoint and no delivery but its own per case (a claim takes
// whatever is due): each case starts by emptying both tables of this file's database.
webhookOutboxContract(it, async () => {
  const store = createPostgresStore({ connectionString: db.url, max: 10 });
  await store.pool.query('TRUNCATE webhook_endpoints, webhook_deliveries, webhook_delivery_attempts');
  return { subject: store, cleanup: () => store.close() };
});
