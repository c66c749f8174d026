import { NotifyError } from '../../domain/errors.js';
import { InMemoryTemplateSource } from '../../memory/in-memory-template-source.js';
import type { Template } from '../../ports/template-source.js';

/** The in-memory template source with an outage switch, for the template service being down. */
export class ControllableTemplateSource extends InMemoryTemplateSource {
  private available = true;

  /** While false, get throws a retryable TEMPLATE_SOURCE_UNAVAILABLE. */
  setAvailable(available: boolean): void {
    this.available = available;
  }

  override async get(code: string): Promise<Template> {
    if (!this.available) {
      throw new NotifyError(
        'TEMPLATE_SOURCE_UNAVAILABLE',
        'In-memory template source is unavailable (simulated)',
      );
    }
    return super.get(code);
  }
}
