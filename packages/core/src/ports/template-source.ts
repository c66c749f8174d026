export interface Template {
  code: string;
  /** A Handlebars template for the subject; `variables.subject` overrides it. */
  subject: string;
  /** Handlebars HTML body (values escaped). */
  html?: string;
  /** Handlebars plain-text body. */
  text?: string;
}

/**
 * Finds templates by code. Throws NotifyError TEMPLATE_NOT_FOUND (permanent) for an unknown code,
 * TEMPLATE_SOURCE_UNAVAILABLE (transient) when the source cannot answer.
 */
export interface TemplateSource {
  get(code: string): Promise<Template>;
}

export const TemplateSourceToken = Symbol.for('@notify/TemplateSource');
