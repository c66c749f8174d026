// Against the real Postfix of test-support/postfix/setup.sh (its plain listener, 2525): what
// Postfix itself logs about each of our SMTP sessions. Nothing else in the suite uses 2525.
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { until } from '../../../test-support/wait.js';
import { createSmtpTransport } from '../src/index.js';

const LOG = '/var/log/postfix.log';

/** The plain listener's session lines written since `offset`. */
function sessionLines(offset: number): string[] {
  return readFileSync(LOG)
    .subarray(offset)
    .toString('utf8')
    .split('\n')
    .filter((line) => /postfix\/plain\/smtpd\[\d+\]: (disconnect from|lost connection)/.test(line));
}

describe('SmtpMailTransport against Postfix', () => {
  it('ends every session with QUIT: recycled after maxMessages, and at close()', async () => {
    const offset = statSync(LOG).size;
    const transport = createSmtpTransport({
      host: '127.0.0.1',
      port: 2525,
      clientName: 'client.notify.test',
      maxConnections: 1,
      maxMessages: 2,
    });
    try {
      for (let n = 0; n < 5; n++) {
        const result = await transport.send({
          from: 'noreply@example.test',
          to: 'alice@example.test',
          subject: `Quit check ${n}`,
          text: 'Postfix should log quit=1 for this session.',
          messageId: `<quit-${process.pid}-${Date.now()}-${n}@notify.test>`,
          headers: {},
        });
        expect(result.response).toMatch(/^250 /);
      }
    } finally {
      await transport.close();
    }
    // 2 + 2 + 1 messages: three sessions, each ended by our QUIT (Postfix counts it as quit=1).
    await until(() => sessionLines(offset).length >= 3, 10_000, 'Postfix to log three sessions');
    const lines = sessionLines(offset);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/disconnect from .* quit=1 /);
  });
});
