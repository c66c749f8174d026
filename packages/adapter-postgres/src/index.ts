export { postgresStoreModule } from './container.js';
export { type CreateDatabaseResult, createDatabase, databaseNameOf } from './create-database.js';
export type { MigrateOptions, MigrateResult } from './migrate.js';
export { defaultMigrationsDir, migrate } from './migrate.js';
export type { PostgresStoreOptions } from './options.js';
export { createPostgresStore, PostgresNotificationStore } from './postgres-store.js';
export { PostgresWebhookDeliveryStore } from './webhook-delivery-store.js';
export { PostgresWebhookEndpointStore } from './webhook-endpoint-store.js';
