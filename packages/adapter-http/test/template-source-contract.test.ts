import type { Template } from '@notify/email-core';
import { templateSourceContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';
import { createHttpTemplateSource } from '../src/index.js';
import { json, startLocalHttpServer } from './local-http-server.js';

describe('HttpTemplateSource against a local template service', () => {
  templateSourceContract(it, async (templates: Template[]) => {
    const byCode = new Map(templates.map((t) => [t.code, t]));
    let down = false;
    const server = await startLocalHttpServer((request, response) => {
      if (down) return json(response, 503, { error: 'maintenance' });
      const code = decodeURIComponent(request.url.replace('/templates/', ''));
      const template = byCode.get(code);
      if (!template) return json(response, 404, { error: 'not found' });
      return json(response, 200, { subject: template.subject, html: template.html, text: template.text });
    });
    const source = createHttpTemplateSource({ baseUrl: `${server.origin}/templates/`, timeoutMs: 2_000 });
    return {
      subject: source,
      makeUnavailable: async () => {
        down = true;
      },
      cleanup: async () => {
        await source.close();
        await server.close();
      },
    };
  });
});
