export {
  assertWebhookUrlAllowed,
  createWebhookUrlGuard,
  forbiddenAddressReason,
  type WebhookUrlOptions,
} from './address-guard.js';
export { httpTemplateSourceModule, webhookNotifierModule, webhookUrlGuardModule } from './container.js';
export {
  createHttpTemplateSource,
  HttpTemplateSource,
  type HttpTemplateSourceOptions,
} from './http-template-source.js';
export { parseTemplateResponse } from './template-response.js';
export {
  createWebhookNotifier,
  WebhookNotifier,
  type WebhookNotifierOptions,
  webhookIdFor,
} from './webhook-notifier.js';
export {
  signWebhook,
  type VerifyWebhookInput,
  verifyWebhookSignature,
  type WebhookHeaders,
  webhookSecretKey,
} from './webhook-signature.js';
