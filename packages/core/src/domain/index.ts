export * from './classify-error.js';
export * from './errors.js';
export * from './events.js';
export * from './notification.js';
export * from './retry-policy.js';
export * from './status-machine.js';
export * from './webhook-endpoint.js';
