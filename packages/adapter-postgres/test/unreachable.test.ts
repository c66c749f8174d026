import { NotifyError } from '@notify/email-core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { closedPortUrl } from '../../../test-support/unreachable.js';
import { createPostgresStore } from '../src/index.js';
import { newNotification } from './fixtures.js';

describe('PostgresNotificationStore when PostgreSQL is unreachable', () => {
  it('insert and ping fail with a retryable STORE_UNAVAILABLE whose message is ours, the driver error its cause', async () => {
    const store = createPostgresStore({ connectionString: await closedPortUrl() });
    try {
      for (const call of [
        () => store.insert(newNotification()),
        () => store.ping(),
        () => store.list({}, { limit: 1, offset: 0 }),
      ]) {
        const failure = await call().catch((e: unknown) => e);
        expect(NotifyError.is(failure)).toBe(true);
        const error = failure as NotifyError;
        expect(error.code).toBe('STORE_UNAVAILABLE');
        expect(error.retryable).toBe(true);
        expect(error.message).toMatch(/^PostgreSQL notification store unavailable during \w+$/);
        expect(error.message).not.toContain('ECONNREFUSED');
        expect(error.cause).toBeDefined();
      }
    } finally {
      await store.close();
    }
  });

  it('an injected pool pointed at a closed port gives the same outcome', async () => {
    const pool = new pg.Pool({ connectionString: await closedPortUrl() });
    const store = createPostgresStore({ pool });
    try {
      await expect(store.insert(newNotification())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      await pool.end();
    }
  });

  it('ping gives up after pingTimeoutMs when the server never answers (a black hole)', async () => {
    const { createServer } = await import('node:net');
    // Accepts TCP connections and then says nothing, like a host behind a dropped route.
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const store = createPostgresStore({
      connectionString: `postgres://postgres@127.0.0.1:${port}/x`,
      pingTimeoutMs: 200,
      connectTimeoutMs: 5_000,
    });
    try {
      const started = Date.now();
      await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await store.close().catch(() => {});
    }
  });
});
