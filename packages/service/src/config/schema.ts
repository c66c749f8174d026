import { callbacksSection } from './sections/callbacks.js';
import { deliverySection } from './sections/delivery.js';
import { emailSection } from './sections/email.js';
import { httpSection } from './sections/http.js';
import { loggingSection } from './sections/logging.js';
import { processSection } from './sections/process.js';
import { queueSection } from './sections/queue.js';
import { redisSection } from './sections/redis.js';
import { storeSection } from './sections/store.js';
import { templatesSection } from './sections/templates.js';
import { webhooksSection } from './sections/webhooks.js';
import type { VariableSpec } from './variable.js';

/**
 * The configuration of the stock service, one section per concern, in the order of the reference
 * page (docs/configuration.md, generated from these by `pnpm docs:config`). A new variable goes
 * into its section's file; the type, the validation and the page follow.
 */
export const CONFIG_SECTIONS = {
  http: httpSection,
  store: storeSection,
  queue: queueSection,
  email: emailSection,
  templates: templatesSection,
  delivery: deliverySection,
  callbacks: callbacksSection,
  webhooks: webhooksSection,
  redis: redisSection,
  logging: loggingSection,
  process: processSection,
};

type Sections = typeof CONFIG_SECTIONS;

/** The validated environment: what `composeService` and the bins run on. */
export type ServiceConfig = { [K in keyof Sections]: ReturnType<Sections[K]['build']> };

/** Every variable the service reads, by name. */
export const CONFIG_VARIABLES: ReadonlyMap<string, VariableSpec<unknown>> = new Map(
  Object.values(CONFIG_SECTIONS).flatMap((section) =>
    Object.entries(section.variables as Record<string, VariableSpec<unknown>>),
  ),
);

/** Variables whose values are credentials, or may embed them (URLs with user info). */
export const SECRET_VARIABLES: readonly string[] = [...CONFIG_VARIABLES]
  .filter(([, spec]) => spec.secret === true)
  .map(([name]) => name);
