// The webhook outbox contract (WebhookDeliveryStore), one file per concern. It runs on a
// NotificationStore: the store fans its events out to `store.webhooks`, into `store.deliveries`.
import type { ContractIt } from '../contract-runner.js';
import { webhookOutboxDeliveryLogContract } from './delivery-log.js';
import { webhookOutboxDispatchContract } from './dispatch.js';
import { webhookOutboxFanOutContract } from './fan-out.js';
import type { WebhookOutboxHarness } from './harness.js';

export { W as WEBHOOK_OUTBOX_CASE_PREFIX, type WebhookOutboxHarness } from './harness.js';
export { webhookOutboxDeliveryLogContract, webhookOutboxDispatchContract, webhookOutboxFanOutContract };

/** The behaviour every store's webhook outbox must show; see WebhookOutboxHarness. */
export function webhookOutboxContract(it: ContractIt, makeStore: () => Promise<WebhookOutboxHarness>): void {
  webhookOutboxFanOutContract(it, makeStore);
  webhookOutboxDispatchContract(it, makeStore);
  webhookOutboxDeliveryLogContract(it, makeStore);
}
