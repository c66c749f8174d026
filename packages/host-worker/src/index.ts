export type { Worker, WorkerOptions } from './worker.js';
export { startWorker } from './worker.js';
