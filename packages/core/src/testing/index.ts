// Contract suites, one per port, runnable under any test runner: each takes the runner's `it`
// and a factory that makes a fresh harness per case. And the test doubles (doubles/): the
// in-memory backends with the controls only tests need.
export * from './case-recorder.js';
export * from './contract-runner.js';
export * from './doubles/index.js';
export * from './event-log/index.js';
export * from './mail-transport/index.js';
export * from './notification-queue/index.js';
export * from './notification-store/index.js';
export * from './rate-limiter-contract.js';
export * from './recording-logger.js';
export * from './sample-notification.js';
export * from './status-notifier-contract.js';
export * from './template-source-contract.js';
export * from './webhook-endpoint-store-contract.js';
export * from './webhook-outbox/index.js';
export * from './webhook-sender-contract.js';
