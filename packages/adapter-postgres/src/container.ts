import type { NotificationStore, WebhookEndpointStore } from '@notify/email-core';
import { NotificationStoreToken, WebhookEndpointStoreToken } from '@notify/email-core';
import { ContainerModule } from 'inversify';
import type { PostgresStoreOptions } from './options.js';
import { resolvePostgresStoreOptions } from './options.js';
import { createPostgresStore, type PostgresNotificationStore } from './postgres-store.js';

/**
 * Binds NotificationStoreToken to one PostgresNotificationStore per container, and
 * WebhookEndpointStoreToken to its `webhooks` (same pool). Options are checked here, so a bad
 * configuration fails at composition rather than on the first request; the pool is created on
 * first resolve and closed when the container unbinds the notification store.
 */
export function postgresStoreModule(options: PostgresStoreOptions): ContainerModule {
  resolvePostgresStoreOptions(options);
  return new ContainerModule(({ bind }) => {
    bind<NotificationStore>(NotificationStoreToken)
      .toDynamicValue(() => createPostgresStore(options))
      .inSingletonScope()
      .onDeactivation((store) => store.close());
    // No deactivation of its own: the notification store's closes the pool both use.
    bind<WebhookEndpointStore>(WebhookEndpointStoreToken)
      .toDynamicValue((context) => context.get<PostgresNotificationStore>(NotificationStoreToken).webhooks)
      .inSingletonScope();
  });
}
