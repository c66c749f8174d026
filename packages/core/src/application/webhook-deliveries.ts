import { NotifyError } from '../domain/errors.js';
import { newEventId } from '../domain/events.js';
import { WEBHOOK_TEST_EVENT } from '../domain/webhook-delivery.js';
import {
  type DeliveryListQueryInput,
  parseDeliveryQuery,
  parseRecoverBody,
} from '../validation/delivery-query.js';
import {
  type DeliveryDetailView,
  type DeliveryListOutput,
  type DeliveryView,
  toDeliveryDetailView,
  toDeliveryView,
} from './delivery-views.js';
import type { EngineContext } from './engine-context.js';
import { guardStore } from './store-errors.js';
import { pageMeta } from './views.js';
import { assertClientWebhookId, webhookNotFound } from './webhooks.js';

function deliveryNotFound(id: string, deliveryId: string): NotifyError {
  return new NotifyError('NOT_FOUND', `No delivery '${deliveryId}' of webhook '${id}'`);
}

async function assertWebhookExists(ctx: EngineContext, id: string): Promise<void> {
  const found = await guardStore('read the webhook', () => ctx.webhooks.get(id));
  if (found === null) throw webhookNotFound(id);
}

/** Queues a `webhook.test` event for this endpoint alone, due now; the delivery to follow it by. */
export async function testWebhook(ctx: EngineContext, id: string): Promise<DeliveryView> {
  assertClientWebhookId(id);
  const now = ctx.clock.now();
  const event = {
    id: newEventId(),
    type: WEBHOOK_TEST_EVENT,
    createdAt: now,
    data: { webhook_id: id, message: 'A test event from notify-email: your endpoint is reachable.' },
  };
  const delivery = await guardStore('queue the test event', () => ctx.deliveries.enqueue(id, event, now));
  if (delivery === null) throw webhookNotFound(id);
  ctx.logger.info({ webhook_id: id, delivery_id: delivery.id }, 'Webhook test event queued');
  return toDeliveryView(delivery);
}

/** The endpoint's delivery log, newest first, paged, by `status`. */
export async function listDeliveries(
  ctx: EngineContext,
  id: string,
  query: DeliveryListQueryInput,
): Promise<DeliveryListOutput> {
  const { status, limit, page } = parseDeliveryQuery(query);
  await assertWebhookExists(ctx, id);
  const result = await guardStore('list the deliveries', () =>
    ctx.deliveries.list(id, {
      ...(status === undefined ? {} : { status }),
      limit,
      offset: (page - 1) * limit,
    }),
  );
  return { items: result.items.map(toDeliveryView), meta: pageMeta(result.total, limit, page) };
}

/** One delivery with every attempt made. */
export async function getDelivery(
  ctx: EngineContext,
  id: string,
  deliveryId: string,
): Promise<DeliveryDetailView> {
  const [delivery, attempts] = await guardStore('read the delivery', () =>
    Promise.all([ctx.deliveries.get(id, deliveryId), ctx.deliveries.attempts(id, deliveryId)]),
  );
  if (delivery === null) throw deliveryNotFound(id, deliveryId);
  return toDeliveryDetailView(delivery, attempts);
}

/** Sends one delivery again now, whatever its status (a success too: the receiver asked). */
export async function retryDelivery(
  ctx: EngineContext,
  id: string,
  deliveryId: string,
): Promise<DeliveryView> {
  const retried = await guardStore('retry the delivery', () =>
    ctx.deliveries.retryNow(id, deliveryId, ctx.clock.now()),
  );
  if (retried === null) throw deliveryNotFound(id, deliveryId);
  ctx.logger.info({ webhook_id: id, delivery_id: deliveryId }, 'Webhook delivery retried');
  return toDeliveryView(retried);
}

/** Every failed delivery of the endpoint created at or after `since`, sent again now. */
export async function recoverDeliveries(
  ctx: EngineContext,
  id: string,
  body: unknown,
): Promise<{ recovered: number; since: string }> {
  const { since } = parseRecoverBody(body);
  await assertWebhookExists(ctx, id);
  const recovered = await guardStore('recover the deliveries', () =>
    ctx.deliveries.recover(id, since, ctx.clock.now()),
  );
  ctx.logger.info({ webhook_id: id, recovered, since: since.toISOString() }, 'Webhook deliveries recovered');
  return { recovered, since: since.toISOString() };
}
