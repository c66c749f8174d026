import type { z } from 'zod';

/**
 * One environment variable: how it is parsed and how docs/configuration.md describes it. The
 * schema, the TypeScript type of the configuration and the reference page all come from these
 * definitions (sections/*.ts), so a variable cannot exist in one and not in the others.
 */
export interface VariableSpec<T> {
  /** Parses the raw value (undefined when unset); its message never repeats the value. */
  schema: z.ZodType<T, string | undefined>;
  /** The default, as the page shows it (Markdown). */
  default: string;
  /** A value to show as an example; '' for none. */
  example: string;
  /** What it does (Markdown, one paragraph). */
  meaning: string;
  /** Its value is a credential or may embed one (a URL with user info): never printed. */
  secret?: boolean;
}

/** A problem with one variable, as `loadConfig` reports it: `<variable> <message>`. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

// biome-ignore lint/suspicious/noExplicitAny: a section holds variables of different value types
type AnyVariables = Record<string, VariableSpec<any>>;

/** The parsed value of each variable of a section. */
export type SectionValues<V extends AnyVariables> = {
  [K in keyof V]: V[K] extends VariableSpec<infer T> ? T : never;
};

/** One heading of docs/configuration.md and one key of the configuration object. */
export interface SectionSpec<V extends AnyVariables, C> {
  /** The heading on the reference page. */
  title: string;
  variables: V;
  /**
   * Rules between the section's variables, run on the ones that parsed (so one start-up attempt
   * reports everything at once); `isSet` tells whether a raw value was given at all.
   */
  rules?: (values: Partial<SectionValues<V>>, isSet: (name: keyof V & string) => boolean) => ConfigProblem[];
  /** The section's part of the configuration, from its parsed values. */
  build: (values: SectionValues<V>) => C;
}

/** Declares a section; the identity function, there for inference. */
export function section<V extends AnyVariables, C>(spec: SectionSpec<V, C>): SectionSpec<V, C> {
  return spec;
}

/** Declares a variable; the identity function, there for inference. */
export function variable<T>(spec: VariableSpec<T>): VariableSpec<T> {
  return spec;
}
