import { NotifyError, type Template } from '@notify/email-core';

function invalid(code: string, problem: string): NotifyError {
  return new NotifyError('TEMPLATE_INVALID', `template service answer for ${code} is invalid: ${problem}`, {
    details: [{ path: 'template', message: problem }],
  });
}

function optionalString(code: string, body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(code, `${field} must be a string`);
  return value;
}

/**
 * Reads the template service's JSON. The predecessor's service answers
 * `{ template_content, subject? }` with template_content being the HTML body; newer services may
 * send `subject`, `html`, `text`. Either may come inside this project's response envelope
 * (`{ success, data: {...} }`), which is unwrapped first.
 */
export function parseTemplateResponse(code: string, json: unknown): Template {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw invalid(code, 'not a JSON object');
  let body = json as Record<string, unknown>;
  const hasFields = ['template_content', 'html', 'text'].some((field) => field in body);
  if (!hasFields && typeof body.data === 'object' && body.data !== null && !Array.isArray(body.data)) {
    body = body.data as Record<string, unknown>;
  }
  const content = optionalString(code, body, 'template_content');
  const html = optionalString(code, body, 'html') ?? content;
  const text = optionalString(code, body, 'text');
  const subject = optionalString(code, body, 'subject') ?? '';
  if (html === undefined && text === undefined) {
    throw invalid(code, 'has none of template_content, html or text');
  }
  const template: Template = { code, subject };
  if (html !== undefined) template.html = html;
  if (text !== undefined) template.text = text;
  return template;
}
