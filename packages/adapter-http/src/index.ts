// Signing lives in the core (the dispatcher signs); re-exported here, where receivers found it first.
export {
  signWebhook,
  type VerifyWebhookInput,
  verifyWebhookSignature,
  type WebhookHeaders,
  webhookSecretKey,
} from '@notify/email-core';
export {
  assertAddressesAllowed,
  assertWebhookUrlAllowed,
  createWebhookUrlGuard,
  forbiddenAddressReason,
  type WebhookUrlOptions,
} from './address-guard.js';
export {
  httpTemplateSourceModule,
  webhookNotifierModule,
  webhookSenderModule,
  webhookUrlGuardModule,
} from './container.js';
export {
  createHttpTemplateSource,
  HttpTemplateSource,
  type HttpTemplateSourceOptions,
} from './http-template-source.js';
export { createHttpWebhookSender, HttpWebhookSender } from './http-webhook-sender.js';
export { parseTemplateResponse } from './template-response.js';
export {
  createWebhookNotifier,
  WebhookNotifier,
  type WebhookNotifierOptions,
  webhookIdFor,
} from './webhook-notifier.js';
