import { NotifyError } from '../domain/errors.js';
import type { Template, TemplateSource } from '../ports/template-source.js';

/**
 * Serves templates from memory; a copy on every get, so a caller cannot edit the catalogue.
 * A template service that is down is a test control: ControllableTemplateSource in
 * src/testing/doubles.
 */
export class InMemoryTemplateSource implements TemplateSource {
  private readonly templates = new Map<string, Template>();

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

  async get(code: string): Promise<Template> {
    const template = this.templates.get(code);
    if (!template) throw new NotifyError('TEMPLATE_NOT_FOUND', `Template '${code}' not found`);
    return structuredClone(template);
  }
}
