export * from './application/engine.js';
export * from './application/views.js';
export * from './domain/errors.js';
export * from './domain/notification.js';
export * from './ports/index.js';
