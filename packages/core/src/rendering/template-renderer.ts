import Handlebars from 'handlebars';
import { NotifyError } from '../domain/errors.js';
import type { Template } from '../ports/template-source.js';

/** What a template renders to: the subject and at least one body. */
export interface RenderedEmail {
  subject: string;
  html?: string;
  text?: string;
}

type Part = 'subject' | 'html' | 'text';
type CompiledPart = (variables: Record<string, unknown>) => string;

/** Enough for every template a deployment has, small enough that a churning template service cannot grow it without bound. */
const CACHE_LIMIT = 500;

/**
 * Renders templates with Handlebars. Only the HTML part is HTML-escaped: the subject and the
 * text part are plain text, where `&amp;` would be a visible bug. Strict mode makes a variable the
 * template uses but the request did not send a permanent TEMPLATE_VARIABLE_MISSING instead of a
 * silently blank email; a variable tested with `{{#if}}` stays optional.
 */
export class TemplateRenderer {
  /** Its own instance, so helpers or partials registered elsewhere in the process never leak in. */
  private readonly handlebars = Handlebars.create();
  private readonly cache = new Map<string, CompiledPart>();

  render(template: Template, variables: Record<string, unknown>): RenderedEmail {
    if (template.html === undefined && template.text === undefined) {
      throw new NotifyError(
        'TEMPLATE_INVALID',
        `Template "${template.code}" has neither an HTML nor a text part`,
      );
    }
    const override = variables.subject;
    // The override is literal text from the request, never compiled: a client must not be able to run template code.
    const subject =
      typeof override === 'string' && override.trim() !== ''
        ? override
        : this.renderPart(template, 'subject', template.subject, variables);
    const rendered: RenderedEmail = { subject: singleLine(subject) };
    if (template.html !== undefined)
      rendered.html = this.renderPart(template, 'html', template.html, variables);
    if (template.text !== undefined)
      rendered.text = this.renderPart(template, 'text', template.text, variables);
    return rendered;
  }

  private renderPart(
    template: Template,
    part: Part,
    source: string,
    variables: Record<string, unknown>,
  ): string {
    try {
      return this.compiled(part, source)(variables);
    } catch (error) {
      throw classify(error, template.code, part, source);
    }
  }

  private compiled(part: Part, source: string): CompiledPart {
    const key = `${part === 'html' ? 'html' : 'plain'}\u0000${source}`;
    const cached = this.cache.get(key);
    if (cached) {
      // Re-inserting keeps the map in least-recently-used order for eviction.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    // Parsing eagerly surfaces a syntax error here instead of at the first render.
    const compiled = this.handlebars.compile(this.handlebars.parse(source), {
      strict: true,
      noEscape: part !== 'html',
    });
    this.cache.set(key, compiled);
    if (this.cache.size > CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return compiled;
  }
}

/** A header must stay one line, whatever a template or its variables contain. */
function singleLine(subject: string): string {
  return subject
    .replace(/[\r\n]+/g, ' ')
    .replace(/\p{Cc}/gu, (c) => (c === '\t' ? c : ''))
    .trim();
}

const MISSING = /^"([^"]+)" not defined in/;
// Strict lookups use `in`, which throws a TypeError when a dotted path walks into a string or number.
const WALKED_INTO_VALUE = /Cannot use 'in' operator to search for '([^']+)'/;

function classify(error: unknown, code: string, part: Part, source: string): NotifyError {
  if (NotifyError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const name = MISSING.exec(message)?.[1] ?? WALKED_INTO_VALUE.exec(message)?.[1];
  if (name !== undefined) {
    const variable = pathAt(error, source) ?? name;
    return new NotifyError(
      'TEMPLATE_VARIABLE_MISSING',
      `Template "${code}" uses the variable "${variable}" (in its ${part}), which the request did not provide`,
      {
        cause: error,
        details: [
          {
            path: `variables.${variable}`,
            message: `variables.${variable} is required by template "${code}"`,
          },
        ],
      },
    );
  }
  return new NotifyError('TEMPLATE_INVALID', `Template "${code}" (${part}) cannot be rendered: ${message}`, {
    cause: error,
  });
}

/**
 * The whole dotted path of the failed lookup (`user.name`, where the message names only `name`),
 * read from the source at the location Handlebars reports.
 */
function pathAt(error: unknown, source: string): string | undefined {
  const { lineNumber, endLineNumber, column, endColumn } = error as Record<string, unknown>;
  if (typeof lineNumber !== 'number' || lineNumber !== endLineNumber) return undefined;
  if (typeof column !== 'number' || typeof endColumn !== 'number') return undefined;
  const expression = source.split('\n')[lineNumber - 1]?.slice(column, endColumn) ?? '';
  const path = expression.replace(/^(?:@root\.|\.\.\/|\.\/|this\.)+/, '');
  return /^[A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*$/.test(path) ? path : undefined;
}
