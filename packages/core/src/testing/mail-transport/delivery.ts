import assert from 'node:assert/strict';
import type { ContractIt } from '../contract-runner.js';
import {
  arrivedWith,
  type MailTransportContractOptions,
  type MailTransportHarness,
  type ReceivedMail,
  sampleMailMessage,
  T,
  transportCases,
} from './harness.js';

/**
 * Delivery: what arrives at the far side is what was sent (bodies, Message-ID, headers), and
 * verify answers.
 */
export function mailTransportDeliveryContract(
  it: ContractIt,
  makeTransport: () => Promise<MailTransportHarness>,
  options: MailTransportContractOptions = {},
): void {
  const { arrival, run } = transportCases(makeTransport, options);

  it(
    `${T} a sent message arrives with subject, bodies, Message-ID and headers intact`,
    run(async (transport, harness) => {
      const message = sampleMailMessage();
      const result = await transport.send(message);
      assert.equal(result.messageId, message.messageId, 'SendResult.messageId is the one we set');
      assert.ok(result.accepted.map(lower).includes(lower(message.to)), 'the recipient is in accepted');
      assert.equal(typeof result.response, 'string');
      const mail = await arrivedWith(harness, message.messageId, arrival);
      assert.ok(lower(mail.from).includes('notify@example.com'), `from was ${mail.from}`);
      assert.ok(
        mail.to.map(lower).some((to) => to.includes(lower(message.to))),
        `to was ${mail.to.join(', ')}`,
      );
      assert.equal(mail.subject, message.subject);
      assert.equal(mail.html?.trim(), message.html);
      assert.equal(mail.text?.trim(), message.text);
      assert.equal(header(mail, 'X-Request-ID'), message.headers['X-Request-ID']);
      assert.equal(header(mail, 'X-Correlation-ID'), message.headers['X-Correlation-ID']);
    }),
  );

  it(
    `${T} text-only and html-only messages arrive with just that body`,
    run(async (transport, harness) => {
      const textOnly = sampleMailMessage({ html: undefined, text: 'Only text here' });
      const htmlOnly = sampleMailMessage({ text: undefined, html: '<p>Only html</p>' });
      delete textOnly.html;
      delete htmlOnly.text;
      await transport.send(textOnly);
      await transport.send(htmlOnly);
      const gotText = await arrivedWith(harness, textOnly.messageId, arrival);
      const gotHtml = await arrivedWith(harness, htmlOnly.messageId, arrival);
      assert.equal(gotText.text?.trim(), 'Only text here');
      assert.ok(!gotText.html, 'no html body was invented for a text-only message');
      assert.equal(gotHtml.html?.trim(), '<p>Only html</p>');
    }),
  );

  it(
    `${T} verify resolves while the server is reachable`,
    run(async (transport) => {
      await transport.verify();
    }),
  );
}

function header(mail: ReceivedMail, name: string): string | undefined {
  const key = Object.keys(mail.headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : mail.headers[key];
}

function lower(value: string): string {
  return value.toLowerCase();
}
