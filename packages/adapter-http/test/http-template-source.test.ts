import { NotifyError } from '@notify/email-core';
import { ManualClock } from '@notify/email-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { rejectionBy } from '../../../test-support/thrown.js';
import { createHttpTemplateSource, type HttpTemplateSourceOptions } from '../src/index.js';
import { type Handler, json, type LocalHttpServer, startLocalHttpServer } from './local-http-server.js';

let server: LocalHttpServer | undefined;
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await server?.close();
  server = undefined;
});

async function setup(handler: Handler, options: Partial<HttpTemplateSourceOptions> = {}) {
  server = await startLocalHttpServer(handler);
  const source = createHttpTemplateSource({ baseUrl: `${server.origin}/api/v1/templates/`, ...options });
  closers.push(() => source.close());
  return { server, source };
}

const failure = (promise: Promise<unknown>) => rejectionBy(promise, NotifyError.is);

const predecessorAnswer: Handler = (_request, response) =>
  json(response, 200, { template_content: '<p>Hi {{name}}</p>', subject: 'Welcome {{name}}' });

describe('HttpTemplateSource', () => {
  it("speaks the predecessor's protocol: GET {baseUrl}{code}, template_content is the HTML body", async () => {
    const { server, source } = await setup(predecessorAnswer, { headers: { authorization: 'Bearer t0k' } });
    const template = await source.get('welcome_email');
    expect(template).toEqual({
      code: 'welcome_email',
      subject: 'Welcome {{name}}',
      html: '<p>Hi {{name}}</p>',
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/api/v1/templates/welcome_email' });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer t0k');
    expect(server.requests[0]?.headers.accept).toBe('application/json');
  });

  it('accepts subject/html/text fields, also inside the response envelope, and defaults a missing subject', async () => {
    const { server, source } = await setup((request, response) => {
      if (request.url.endsWith('/plain'))
        json(response, 200, { subject: 'S', html: '<b>h</b>', text: 't', template_content: 'ignored' });
      else if (request.url.endsWith('/wrapped'))
        json(response, 200, { success: true, data: { text: 'only text' }, error: null });
      else json(response, 200, { template_content: '<i>x</i>' });
    });
    expect(await source.get('plain')).toEqual({ code: 'plain', subject: 'S', html: '<b>h</b>', text: 't' });
    expect(await source.get('wrapped')).toEqual({ code: 'wrapped', subject: '', text: 'only text' });
    expect(await source.get('nosubject')).toEqual({ code: 'nosubject', subject: '', html: '<i>x</i>' });
    expect(server.requests).toHaveLength(3);
  });

  it('serves from its cache until cacheTtlMs has passed, and hands out copies', async () => {
    const clock = new ManualClock();
    const { server, source } = await setup(predecessorAnswer, { cacheTtlMs: 60_000, clock });
    const first = await source.get('welcome');
    first.subject = 'changed by a caller';
    expect((await source.get('welcome')).subject).toBe('Welcome {{name}}');
    expect(server.requests).toHaveLength(1);

    clock.advance(60_001);
    await source.get('welcome');
    expect(server.requests).toHaveLength(2);
  });

  it('cacheTtlMs 0 asks every time; concurrent gets of one code share a request', async () => {
    const { server, source } = await setup(predecessorAnswer, { cacheTtlMs: 0 });
    await source.get('welcome');
    await source.get('welcome');
    expect(server.requests).toHaveLength(2);
    await Promise.all([source.get('welcome'), source.get('welcome'), source.get('welcome')]);
    expect(server.requests).toHaveLength(3);
  });

  it('404 is a permanent TEMPLATE_NOT_FOUND', async () => {
    const { source } = await setup((_r, response) => json(response, 404, { error: 'nope' }));
    const error = await failure(source.get('missing'));
    expect(error).toMatchObject({ code: 'TEMPLATE_NOT_FOUND', retryable: false, responseCode: 404 });
    // It ends in the failed notification's `error`, which clients read: the template, not the URL.
    expect(error.message).toBe('template "missing" not found (HTTP 404 from the template service)');
  });

  it('500 is a transient TEMPLATE_SOURCE_UNAVAILABLE, and is not cached', async () => {
    let status = 500;
    const { source } = await setup((_r, response) =>
      status === 200 ? predecessorAnswer(_r, response) : json(response, status, { error: 'boom' }),
    );
    const error = await failure(source.get('welcome'));
    expect(error).toMatchObject({ code: 'TEMPLATE_SOURCE_UNAVAILABLE', retryable: true, responseCode: 500 });
    expect(error.message).not.toContain(server?.origin ?? 'no server');
    status = 200;
    expect((await source.get('welcome')).subject).toBe('Welcome {{name}}');
  });

  it('a service that never answers times out as TEMPLATE_SOURCE_UNAVAILABLE within timeoutMs', async () => {
    const { source } = await setup(() => {}, { timeoutMs: 250 });
    const started = Date.now();
    const error = await failure(source.get('welcome'));
    const elapsed = Date.now() - started;
    expect(error.code).toBe('TEMPLATE_SOURCE_UNAVAILABLE');
    expect(error.message).toContain('timed out after 250 ms');
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('a service that is down (connection refused) is TEMPLATE_SOURCE_UNAVAILABLE', async () => {
    const { server, source } = await setup(predecessorAnswer);
    await server.close();
    const error = await failure(source.get('welcome'));
    expect(error.code).toBe('TEMPLATE_SOURCE_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain(server.origin);
  });

  it.each([
    ['not JSON', (response: Parameters<Handler>[1]) => response.end('<html>oops</html>')],
    [
      'no body field',
      (response: Parameters<Handler>[1]) => json(response, 200, { subject: 'only a subject' }),
    ],
    [
      'a number as subject',
      (response: Parameters<Handler>[1]) => json(response, 200, { subject: 5, html: 'x' }),
    ],
    ['an array', (response: Parameters<Handler>[1]) => json(response, 200, [{ html: 'x' }])],
  ])('a malformed answer (%s) is a permanent TEMPLATE_INVALID', async (_label, answer) => {
    const { source } = await setup((_r, response) => answer(response));
    const error = await failure(source.get('welcome'));
    expect(error).toMatchObject({ code: 'TEMPLATE_INVALID', retryable: false });
  });

  it('a code that could not be a template never reaches the service', async () => {
    const { server, source } = await setup(predecessorAnswer);
    for (const code of ['../admin', 'a/b', 'UPPER', '', 'x?y=1']) {
      expect((await failure(source.get(code))).code).toBe('TEMPLATE_NOT_FOUND');
    }
    expect(server.requests).toHaveLength(0);
  });

  it('opens its breaker after consecutive outages, fails fast while open, and recovers after the reset time', async () => {
    let healthy = false;
    const { server, source } = await setup(
      (r, response) => (healthy ? predecessorAnswer(r, response) : json(response, 503, {})),
      { cacheTtlMs: 0, breaker: { failureThreshold: 2, resetTimeoutMs: 300 } },
    );
    await failure(source.get('welcome'));
    await failure(source.get('welcome'));
    expect(source.breakerState).toBe('open');
    const fast = await failure(source.get('welcome'));
    expect(fast.code).toBe('TEMPLATE_SOURCE_UNAVAILABLE');
    expect(fast.message).toContain('circuit is open');
    expect(fast.retryAfterMs).toBe(300);
    expect(server.requests).toHaveLength(2);

    healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await source.get('welcome')).subject).toBe('Welcome {{name}}');
    expect(source.breakerState).toBe('closed');
  });

  it('unknown templates do not open the breaker: a 404 proves the service is up', async () => {
    const { server, source } = await setup((_r, response) => json(response, 404, {}), {
      breaker: { failureThreshold: 2 },
    });
    for (let i = 0; i < 5; i += 1)
      expect((await failure(source.get('missing'))).code).toBe('TEMPLATE_NOT_FOUND');
    expect(source.breakerState).toBe('closed');
    expect(server.requests).toHaveLength(5);
  });

  it.each([
    [{ baseUrl: '' }, 'baseUrl'],
    [{ baseUrl: 'templates/' }, 'baseUrl'],
    [{ baseUrl: 'ftp://host/' }, 'baseUrl'],
    [{ baseUrl: 'http://h/', timeoutMs: 0 }, 'timeoutMs'],
    [{ baseUrl: 'http://h/', cacheTtlMs: -1 }, 'cacheTtlMs'],
    [{ baseUrl: 'http://h/', breaker: { failureThreshold: 0 } }, 'breaker.failureThreshold'],
    [{ baseUrl: 'http://h/', headers: { 'x-a': 'b\r\nc' } }, 'headers.x-a'],
  ])('%j is CONFIG_INVALID naming %s', (options, key) => {
    let caught: unknown;
    try {
      createHttpTemplateSource(options as HttpTemplateSourceOptions);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'CONFIG_INVALID', details: [{ path: key }] });
  });
});
