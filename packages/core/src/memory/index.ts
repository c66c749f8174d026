export * from './in-memory-event-log.js';
export * from './in-memory-mail-transport.js';
export * from './in-memory-notification-queue.js';
export * from './in-memory-notification-store.js';
export * from './in-memory-rate-limiter.js';
export * from './in-memory-status-notifier.js';
export * from './in-memory-template-source.js';
export * from './in-memory-webhook-endpoint-store.js';
