import type { NotificationStore } from '@notify/email-core';
import { NotificationStoreToken } from '@notify/email-core';
import { ContainerModule } from 'inversify';
import type { PostgresStoreOptions } from './options.js';
import { resolvePostgresStoreOptions } from './options.js';
import { createPostgresStore } from './postgres-store.js';

/**
 * Binds NotificationStoreToken to one PostgresNotificationStore per container. Options are
 * checked here, so a bad configuration fails at composition rather than on the first request;
 * the pool is created on first resolve and closed when the container unbinds the store.
 */
export function postgresStoreModule(options: PostgresStoreOptions): ContainerModule {
  resolvePostgresStoreOptions(options);
  return new ContainerModule(({ bind }) => {
    bind<NotificationStore>(NotificationStoreToken)
      .toDynamicValue(() => createPostgresStore(options))
      .inSingletonScope()
      .onDeactivation((store) => store.close());
  });
}
