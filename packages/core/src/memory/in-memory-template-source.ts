import { NotifyError } from '../domain/errors.js';
import type { Template, TemplateSource } from '../ports/template-source.js';

/** Serves templates from memory; a copy on every get, so a caller cannot edit the catalogue. */
export class InMemoryTemplateSource implements TemplateSource {
  private readonly templates = new Map<string, Template>();
  private available = true;

  constructor(templates: Template[] = []) {
    for (const template of templates) this.set(template);
  }

  /** Adds or replaces a template. */
  set(template: Template): void {
    this.templates.set(template.code, structuredClone(template));
  }

  delete(code: string): void {
    this.templates.delete(code);
  }

  /** Simulates the template service being down: get throws a retryable TEMPLATE_SOURCE_UNAVAILABLE. */
  setAvailable(available: boolean): void {
    this.available = available;
  }

  async get(code: string): Promise<Template> {
    if (!this.available) {
      throw new NotifyError(
        'TEMPLATE_SOURCE_UNAVAILABLE',
        'In-memory template source is unavailable (simulated)',
      );
    }
    const template = this.templates.get(code);
    if (!template) throw new NotifyError('TEMPLATE_NOT_FOUND', `Template '${code}' not found`);
    return structuredClone(template);
  }
}
