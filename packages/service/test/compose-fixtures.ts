// Shared by the composeService tests (in-memory and on the real adapters).

import { startWorker } from '@notify/host-worker';
import type { Service } from '../src/compose/compose-service.js';
import { createLogger } from '../src/logging/logger.js';

/** A valid accept body for the stock `welcome_email` template. */
export function body(requestId: string, email = 'ada@example.com') {
  return {
    notification_type: 'email',
    user_id: 'user-1',
    template_code: 'welcome_email',
    variables: { name: 'Ada', email, link: 'https://example.com/verify' },
    request_id: requestId,
  };
}

export const quiet = () => createLogger({ level: 'silent' });

/** A worker consuming `service`'s queue into its engine, logging through its logger. */
export function startWorkerOn(service: Service, concurrency: number) {
  return startWorker({ engine: service.engine, queue: service.queue, concurrency, logger: service.logger });
}

/** True once `requestId` is stored as delivered. */
export async function isDelivered(service: Service, requestId: string): Promise<boolean> {
  return (await service.engine.getNotification(requestId)).status === 'delivered';
}
