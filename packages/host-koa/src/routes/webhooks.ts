import type { Router, RouterContext } from '@koa/router';
import type { EmailEngine } from '@notify/email-core';
import { ok, retrieved } from '../envelope.js';
import { readJsonBody } from '../json-body.js';
import type { RequestState } from '../state.js';

export interface WebhookRoutesOptions {
  engine: EmailEngine;
  bodyLimitBytes: number;
}

type Ctx = RouterContext<RequestState>;

const BASE = '/api/v1/webhooks';

/** The location of a webhook endpoint; the id is path-encoded so any id round-trips. */
function webhookPath(id: string): string {
  return `${BASE}/${encodeURIComponent(id)}/`;
}

/**
 * Registers the webhook endpoint routes: create, list, read, update, delete and rotate the signing
 * secret, send a test event, and the delivery log (list, one with its attempts, retry one, recover
 * since). Trailing slashes are optional as on every route. The secret is in the answers of create
 * and rotate only; every other answer shows its `secret_hint`. Validation, the SSRF check of the URL
 * and NOT_FOUND are the engine's (422 VALIDATION_FAILED or WEBHOOK_URL_FORBIDDEN, 404).
 */
export function registerWebhookRoutes(router: Router<RequestState>, options: WebhookRoutesOptions): void {
  const { engine, bodyLimitBytes } = options;

  /** The `:id` parameter, bound to the request's log lines. */
  const webhookId = (ctx: Ctx): string => {
    const id = ctx.params.id ?? '';
    ctx.state.log = ctx.state.log.child({ webhook_id: id });
    return id;
  };

  const create = async (ctx: Ctx): Promise<void> => {
    const body = await readJsonBody(ctx.req, bodyLimitBytes);
    const view = await engine.createWebhook(body);
    ctx.state.log = ctx.state.log.child({ webhook_id: view.id });
    ctx.status = 201;
    ctx.set('Location', webhookPath(view.id));
    ctx.body = ok('Webhook created', view);
  };

  const list = async (ctx: Ctx): Promise<void> => {
    // Raw values, repeated ones included: the core validates them (422 VALIDATION_FAILED).
    const { limit, page } = ctx.query;
    const output = await engine.listWebhooks({ limit, page });
    ctx.body = ok(retrieved(output.items.length, 'webhook'), output.items, output.meta);
  };

  const get = async (ctx: Ctx): Promise<void> => {
    ctx.body = ok('Webhook retrieved', await engine.getWebhook(webhookId(ctx)));
  };

  const update = async (ctx: Ctx): Promise<void> => {
    const id = webhookId(ctx);
    const body = await readJsonBody(ctx.req, bodyLimitBytes);
    ctx.body = ok('Webhook updated', await engine.updateWebhook(id, body));
  };

  const remove = async (ctx: Ctx): Promise<void> => {
    await engine.deleteWebhook(webhookId(ctx));
    // 200 with the envelope, not 204: every answer of the API is the envelope.
    ctx.body = ok('Webhook deleted', null);
  };

  const rotate = async (ctx: Ctx): Promise<void> => {
    const view = await engine.rotateWebhookSecret(webhookId(ctx));
    ctx.body = ok('Webhook secret rotated', view);
  };

  const test = async (ctx: Ctx): Promise<void> => {
    ctx.status = 202;
    ctx.body = ok('Test event queued', await engine.testWebhook(webhookId(ctx)));
  };

  const deliveries = async (ctx: Ctx): Promise<void> => {
    const { status, limit, page } = ctx.query;
    const output = await engine.listDeliveries(webhookId(ctx), { status, limit, page });
    ctx.body = ok(retrieved(output.items.length, 'delivery', 'deliveries'), output.items, output.meta);
  };

  const delivery = async (ctx: Ctx): Promise<void> => {
    const id = webhookId(ctx);
    ctx.body = ok('Delivery retrieved', await engine.getDelivery(id, ctx.params.delivery_id ?? ''));
  };

  const retry = async (ctx: Ctx): Promise<void> => {
    const id = webhookId(ctx);
    ctx.status = 202;
    ctx.body = ok('Delivery queued again', await engine.retryDelivery(id, ctx.params.delivery_id ?? ''));
  };

  const recover = async (ctx: Ctx): Promise<void> => {
    const id = webhookId(ctx);
    const body = await readJsonBody(ctx.req, bodyLimitBytes);
    const result = await engine.recoverDeliveries(id, body);
    ctx.status = 202;
    ctx.body = ok(`${result.recovered} failed deliveries queued again`, result);
  };

  router.post(BASE, create);
  router.get(BASE, list);
  router.get(`${BASE}/:id`, get);
  router.patch(`${BASE}/:id`, update);
  router.delete(`${BASE}/:id`, remove);
  router.post(`${BASE}/:id/rotate-secret`, rotate);
  router.post(`${BASE}/:id/test`, test);
  router.get(`${BASE}/:id/deliveries`, deliveries);
  router.get(`${BASE}/:id/deliveries/:delivery_id`, delivery);
  router.post(`${BASE}/:id/deliveries/:delivery_id/retry`, retry);
  router.post(`${BASE}/:id/recover`, recover);
}
