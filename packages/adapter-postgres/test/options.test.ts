import { NotificationStoreToken, NotifyError, WebhookEndpointStoreToken } from '@notify/email-core';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../test-support/thrown.js';
import { createPostgresStore, PostgresNotificationStore, postgresStoreModule } from '../src/index.js';

const configError = (run: () => unknown) => thrownBy(run, NotifyError.is);

describe('PostgresStoreOptions validation', () => {
  it.each([
    [{}, 'connectionString'],
    [{ connectionString: '' }, 'connectionString'],
    [{ connectionString: 'mysql://x' }, 'connectionString'],
    [{ connectionString: 'postgres://h/db', max: 0 }, 'max'],
    [{ connectionString: 'postgres://h/db', statementTimeoutMs: 1.5 }, 'statementTimeoutMs'],
    [{ connectionString: 'postgres://h/db', pingTimeoutMs: -1 }, 'pingTimeoutMs'],
    [{ pool: {} }, 'pool'],
  ])('%j → CONFIG_INVALID naming %s', (options, key) => {
    const error = configError(() => createPostgresStore(options as never));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`PostgresStoreOptions.${key}`);
    expect(error.details?.[0]?.path).toBe(key);
  });

  it('never echoes the connection string (it carries the password)', () => {
    const error = configError(() => createPostgresStore({ connectionString: 'https://user:s3cret@h/db' }));
    expect(error.message).not.toContain('s3cret');
  });
});

describe('postgresStoreModule', () => {
  it('binds NotificationStoreToken to one store per container, closed by unbindAsync', async () => {
    const container = new Container();
    container.load(postgresStoreModule({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' }));
    const store = container.get<PostgresNotificationStore>(NotificationStoreToken);
    expect(store).toBeInstanceOf(PostgresNotificationStore);
    expect(container.get(NotificationStoreToken)).toBe(store);
    await container.unbindAsync(NotificationStoreToken);
    await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it("binds WebhookEndpointStoreToken to that store's webhooks, on its pool", async () => {
    const container = new Container();
    container.load(postgresStoreModule({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' }));
    const store = container.get<PostgresNotificationStore>(NotificationStoreToken);
    expect(container.get(WebhookEndpointStoreToken)).toBe(store.webhooks);
    await container.unbindAllAsync();
    await expect(store.webhooks.get('wh_x')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('rejects bad options when the module is built, before any container exists', () => {
    expect(configError(() => postgresStoreModule({ max: 3 })).code).toBe('CONFIG_INVALID');
  });
});
