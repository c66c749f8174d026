import {
  createCaseRecorder,
  type MailTransportHarness,
  mailTransportContract,
  type ReceivedMail,
  sampleMailMessage,
} from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';
import { type EmailApiStandIn, startEmailApiStandIn } from '../src/email-api-stand-in.js';
import { createHttpEmailApiTransport, HttpEmailApiTransport } from '../src/http-email-api-transport.js';

function asReceived(api: EmailApiStandIn): ReceivedMail[] {
  return api.received.map((email) => ({
    from: email.from,
    to: [email.to],
    subject: email.subject,
    ...(email.html === undefined ? {} : { html: email.html }),
    ...(email.text === undefined ? {} : { text: email.text }),
    messageId: email.headers['Message-ID'] ?? '',
    headers: email.headers,
  }));
}

/** A fresh stand-in API and transport per contract case. */
async function makeHarness(
  build: (api: EmailApiStandIn) => HttpEmailApiTransport = (api) =>
    createHttpEmailApiTransport({ baseUrl: api.baseUrl, token: api.token }),
): Promise<MailTransportHarness> {
  const api = await startEmailApiStandIn();
  const transport = build(api);
  return {
    subject: transport,
    received: async () => asReceived(api),
    // A refused recipient: any 4xx but 408/429 means "this message will never be accepted".
    rejectNextPermanently: async () => api.failNext(422, 'recipient refused'),
    failNextTemporarily: async () => api.failNext(503, 'maintenance'),
    cleanup: async () => {
      await transport.close();
      await api.close();
    },
  };
}

describe('HttpEmailApiTransport passes the MailTransport contract', () => {
  mailTransportContract(it, () => makeHarness());
});

describe('the contract suite notices a transport with a wrong error table', () => {
  it('fails the permanent-rejection case when a 4xx is reported as retryable', async () => {
    /** Calls every failure transient: the engine would retry a refused recipient six times. */
    class AlwaysTransient extends HttpEmailApiTransport {
      override async send(message: Parameters<HttpEmailApiTransport['send']>[0]) {
        try {
          return await super.send(message);
        } catch (error) {
          throw Object.assign(error as object, { code: 'SMTP_TRANSIENT', retryable: true });
        }
      }
    }
    const recorder = createCaseRecorder();
    mailTransportContract(recorder.it, () =>
      makeHarness((api) => new AlwaysTransient({ baseUrl: api.baseUrl, token: api.token })),
    );
    const results = await recorder.run();
    const permanent = results.find((r) => r.name.includes('permanently rejected'));
    expect(permanent?.outcome).toBe('failed');
    expect(results.filter((r) => r.outcome === 'passed').length).toBeGreaterThanOrEqual(3);
  });
});

describe('HttpEmailApiTransport options and failures', () => {
  it('refuses bad options with CONFIG_INVALID naming the key', () => {
    expect(() => createHttpEmailApiTransport({ baseUrl: 'ftp://x', token: 't' })).toThrow(/"baseUrl"/);
    expect(() => createHttpEmailApiTransport({ baseUrl: 'http://x', token: ' ' })).toThrow(/"token"/);
    expect(() => createHttpEmailApiTransport({ baseUrl: 'http://x', token: 't', timeoutMs: 0 })).toThrow(
      /"timeoutMs"/,
    );
  });

  it('reports an unreachable API as SMTP_TRANSIENT and a hung one as SMTP_TIMEOUT', async () => {
    const api = await startEmailApiStandIn();
    const { baseUrl } = api;
    await api.close(); // nothing listens on that port any more
    const down = createHttpEmailApiTransport({ baseUrl, token: 't' });
    await expect(down.verify()).rejects.toMatchObject({ code: 'SMTP_TRANSIENT', retryable: true });

    const hung = createHttpEmailApiTransport({
      baseUrl: 'http://127.0.0.1:9',
      token: 't',
      timeoutMs: 50,
      fetch: (_url, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
    });
    await expect(hung.verify()).rejects.toMatchObject({ code: 'SMTP_TIMEOUT', retryable: true });
  });

  it('treats 429 as transient and 401 as permanent, with the HTTP status as responseCode', async () => {
    const api = await startEmailApiStandIn();
    const transport = createHttpEmailApiTransport({ baseUrl: api.baseUrl, token: api.token });
    const wrongKey = createHttpEmailApiTransport({ baseUrl: api.baseUrl, token: 'wrong' });
    try {
      api.failNext(429, 'slow down');
      await expect(transport.send(sampleMailMessage())).rejects.toMatchObject({
        code: 'SMTP_TRANSIENT',
        retryable: true,
        responseCode: 429,
      });
      await expect(wrongKey.send(sampleMailMessage())).rejects.toMatchObject({
        code: 'SMTP_PERMANENT',
        retryable: false,
        responseCode: 401,
      });
      expect(api.received).toHaveLength(0);
    } finally {
      await transport.close();
      await api.close();
    }
  });
});
