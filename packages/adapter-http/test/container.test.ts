import {
  type StatusNotifier,
  StatusNotifierToken,
  type TemplateSource,
  TemplateSourceToken,
} from '@notify/email-core';
import { sampleStatusEvent } from '@notify/email-core/testing';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import {
  HttpTemplateSource,
  httpTemplateSourceModule,
  WebhookNotifier,
  webhookNotifierModule,
} from '../src/index.js';
import { json, startLocalHttpServer } from './local-http-server.js';

describe('container modules', () => {
  it('bind the template source and the notifier to their port tokens, and unbinding closes them', async () => {
    const server = await startLocalHttpServer((request, response) =>
      request.method === 'GET'
        ? json(response, 200, { subject: 'S', template_content: '<p>x</p>' })
        : setTimeout(() => json(response, 200, {}), 100),
    );
    const container = new Container();
    await container.loadAsync(
      httpTemplateSourceModule({ baseUrl: `${server.origin}/t/` }),
      webhookNotifierModule({ url: `${server.origin}/hook` }),
    );
    const source = container.get<TemplateSource>(TemplateSourceToken);
    const notifier = container.get<StatusNotifier>(StatusNotifierToken);
    expect(source).toBeInstanceOf(HttpTemplateSource);
    expect(notifier).toBeInstanceOf(WebhookNotifier);
    expect(container.get(StatusNotifierToken)).toBe(notifier);

    expect((await source.get('welcome')).html).toBe('<p>x</p>');
    await notifier.notify(sampleStatusEvent());
    await container.unbindAllAsync();
    // deactivation waited for the callback in flight
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect((notifier as WebhookNotifier).pending).toBe(0);
    await expect(source.get('other')).rejects.toMatchObject({ code: 'TEMPLATE_SOURCE_UNAVAILABLE' });
    await server.close();
  });
});
