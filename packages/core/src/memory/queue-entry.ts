import type { QueueMessage } from '../ports/notification-queue.js';

/**
 * One message held by InMemoryNotificationQueue. In its own module so the queue's protected
 * members (used by the test doubles in src/testing/doubles) can name it without memory/index.ts
 * exporting it from the package.
 */
export interface QueueEntry {
  /** Publish order; a redelivered message keeps its place among messages of its priority. */
  seq: number;
  message: QueueMessage;
}
