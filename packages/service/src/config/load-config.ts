import { NotifyError } from '@notify/email-core';
import { CONFIG_SECTIONS, type ServiceConfig } from './schema.js';
import type { ConfigProblem, SectionSpec, VariableSpec } from './variable.js';

export type { ServiceConfig } from './schema.js';
export { SECRET_VARIABLES } from './schema.js';
export type { SmtpConfig } from './sections/email.js';
export { rabbitmqUrlFromParts } from './sections/queue.js';

// biome-ignore lint/suspicious/noExplicitAny: sections differ in their variables and results
type AnySection = SectionSpec<Record<string, VariableSpec<any>>, unknown>;

/**
 * Reads the service configuration from the environment. With nothing set, the result runs the
 * embedded defaults (in-memory store and queue, `.eml` files instead of SMTP). Any invalid value
 * throws ONE NotifyError `CONFIG_INVALID` whose message names every bad variable (and whose
 * `details` carry one entry per variable); values are never repeated, since many are secrets.
 * An empty value counts as unset.
 */
export function loadConfig(env: NodeJS.ProcessEnv): ServiceConfig {
  const isSet = (name: string) => (env[name] ?? '').trim() !== '';
  const problems: ConfigProblem[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, section] of Object.entries(CONFIG_SECTIONS) as unknown as Array<[string, AnySection]>) {
    const values: Record<string, unknown> = {};
    let complete = true;
    for (const [name, spec] of Object.entries(section.variables)) {
      const parsed = spec.schema.safeParse(env[name]);
      if (parsed.success) values[name] = parsed.data;
      else {
        complete = false;
        for (const issue of parsed.error.issues) problems.push({ variable: name, message: issue.message });
      }
    }
    // Rules run on whatever parsed, so that one start-up attempt reports everything wrong at once.
    problems.push(...(section.rules?.(values, isSet) ?? []));
    if (complete) config[key] = section.build(values);
  }
  if (problems.length > 0) throw configInvalid(problems);
  return config as ServiceConfig;
}

/** One entry per variable, even when a variable breaks more than one rule. */
function configInvalid(problems: ConfigProblem[]): NotifyError {
  const byVariable = new Map<string, string[]>();
  for (const p of problems) byVariable.set(p.variable, [...(byVariable.get(p.variable) ?? []), p.message]);
  const details = [...byVariable].map(([variable, messages]) => ({
    path: variable,
    message: `${variable} ${messages.join(' and ')}`,
  }));
  const listed = details.map((d) => d.message).join('; ');
  return new NotifyError('CONFIG_INVALID', `Invalid configuration: ${listed}`, { details });
}
