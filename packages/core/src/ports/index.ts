export * from './clock.js';
export * from './logger.js';
export * from './mail-transport.js';
export * from './notification-queue.js';
export * from './notification-store.js';
export * from './rate-limiter.js';
export * from './status-notifier.js';
export * from './template-source.js';
