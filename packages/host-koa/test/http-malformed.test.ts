import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from './http-harness.js';

const KEY = 'malformed-key-0123456789';

/** Sends `raw` on a fresh connection and resolves with everything the server wrote back. */
function exchange(api: ApiHarness, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(api.server.port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(raw);
    setTimeout(() => socket.end(), 300);
  });
}

describe('requests the HTTP parser refuses', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ apiKeys: [KEY] });
  });
  afterAll(() => api.close());

  it('get an envelope with a code, and a log line without the request bytes', async () => {
    const answer = await exchange(
      api,
      'POST /api/v1/notifications/ HTTP/1.1\r\nHost: x\r\n' +
        `Authorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
        'ZZ\r\n{"variables":{"email":"secret-rcpt@example.com"}}\r\n0\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ success: false, data: null, error: { code: 'MALFORMED_REQUEST' } });
    const logged = JSON.stringify(api.logs);
    expect(logged).not.toContain(KEY);
    expect(logged).not.toContain('secret-rcpt');
    expect(logged).not.toContain('rawPacket');
  });

  it('answer 431 with a code for headers too large', async () => {
    const answer = await exchange(
      api,
      `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body.error.code).toBe('HEADERS_TOO_LARGE');
  });
});
