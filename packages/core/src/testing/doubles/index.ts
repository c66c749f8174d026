// Test doubles: the in-memory backends of src/memory with the controls only tests need (outages,
// scripted failures, logs and counts), and a clock that moves only when told.
export * from './controllable-mail-transport.js';
export * from './controllable-notification-queue.js';
export * from './controllable-notification-store.js';
export * from './controllable-status-notifier.js';
export * from './controllable-template-source.js';
export * from './inspectable-rate-limiter.js';
export * from './manual-clock.js';
export * from './recording-webhook-sender.js';
