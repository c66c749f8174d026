export * from './errors.js';
export * from './notification.js';
