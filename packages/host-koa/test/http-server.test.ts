import { request } from 'node:http';
import { silentLogger } from '@notify/email-core';
import { describe, expect, it } from 'vitest';
import { createApp, startHttpServer } from '../src/index.js';
import { startApi } from './http-harness.js';

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('startHttpServer', () => {
  it('binds an ephemeral port for port 0', async () => {
    const api = await startApi();
    try {
      expect(api.server.port).toBeGreaterThan(0);
      expect((await api.call('/health/live')).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('close() lets an in-flight request finish, refuses new connections, and drops idle keep-alive sockets', async () => {
    const entered = deferred();
    const release = deferred();
    const api = await startApi({
      wrapEngine: (engine) => ({
        ...engine,
        health: async () => {
          entered.resolve();
          await release.promise;
          return engine.health();
        },
      }),
    });
    // An idle keep-alive connection must not hold close() up until its timeout.
    expect((await api.call('/health/live')).status).toBe(200);

    const inFlight = api.call('/health/');
    await entered.promise;
    let closedAt = 0;
    const closing = api.close().then(() => {
      closedAt = Date.now();
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(closedAt).toBe(0);
    await expect(fetch(`${api.baseUrl}/health/live`)).rejects.toThrow();

    const releasedAt = Date.now();
    release.resolve();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    await closing;
    expect(closedAt).toBeGreaterThanOrEqual(releasedAt);
    expect(closedAt - releasedAt).toBeLessThan(1000);
  });

  it('close() gives up on a request that never ends after drainTimeoutMs', async () => {
    const entered = deferred();
    const api = await startApi({
      drainTimeoutMs: 200,
      wrapEngine: (engine) => ({
        ...engine,
        health: async () => {
          entered.resolve();
          return new Promise(() => {});
        },
      }),
    });
    const stuck = new Promise<string>((resolve) => {
      const req = request(`${api.baseUrl}/health/`, (res) => resolve(`status ${res.statusCode}`));
      req.on('error', (error) => resolve(`error ${error.message}`));
      req.end();
    });
    await entered.promise;
    const started = Date.now();
    await api.close();
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(2000);
    expect(await stuck).toMatch(/^error/);
  });

  it('rejects when the port is taken', async () => {
    const api = await startApi();
    try {
      const app = createApp({
        engine: api.engine,
        logger: silentLogger,
      });
      await expect(startHttpServer(app, { port: api.server.port, host: '127.0.0.1' })).rejects.toThrow(
        /EADDRINUSE/,
      );
    } finally {
      await api.close();
    }
  });
});

describe('createApp', () => {
  it('refuses bad options with CONFIG_INVALID naming the key', async () => {
    const api = await startApi();
    await api.close();
    const logger = silentLogger;
    expect(() => createApp({ engine: api.engine, logger, bodyLimitBytes: 0 })).toThrow(/bodyLimitBytes/);
    expect(() => createApp({ engine: api.engine, logger, apiKeys: ['has space'] })).toThrow(/apiKeys/);
    expect(() => createApp({ engine: undefined as never, logger })).toThrow(/engine/);
    expect(() => createApp({ engine: api.engine, logger: undefined as never })).toThrow(/logger/);
  });
});
