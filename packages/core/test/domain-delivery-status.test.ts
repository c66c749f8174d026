import { readFileSync } from 'node:fs';
import { bounceKindOf, enhancedStatusOf, parseDeliveryStatus, parseFeedbackReport } from '@notify/email-core';
import { describe, expect, it } from 'vitest';

/** The `message/delivery-status` part of a multipart/report, cut out by its boundary. */
function deliveryStatusPart(eml: string): string {
  const boundary = /boundary="([^"]+)"/.exec(eml)?.[1] ?? '';
  const part =
    eml.split(`--${boundary}`).find((p) => /Content-Type: message\/delivery-status/i.test(p)) ?? '';
  return part.slice(part.search(/\r?\n\r?\n/)).trim();
}

describe('parseDeliveryStatus', () => {
  it('reads the DSN the test Postfix produced for a 550 5.1.1 from the remote MX', () => {
    const eml = readFileSync(
      new URL('../../../test-support/postfix/fixtures/postfix-dsn-hard.eml', import.meta.url),
      'utf8',
    );
    expect(parseDeliveryStatus(deliveryStatusPart(eml))).toEqual({
      reportingMta: 'mx.example.test',
      envelopeId: null,
      recipients: [
        {
          recipient: 'ghost@remote-bounce.test',
          originalRecipient: 'ghost@remote-bounce.test',
          action: 'failed',
          status: '5.1.1',
          remoteMta: '127.0.0.1',
          diagnosticCode:
            '550 5.1.1 <ghost@remote-bounce.test>: Recipient address rejected: Mailbox does not exist',
        },
      ],
    });
  });

  it('reads every recipient of a report, a delayed one, an envelope id, and no Final-Recipient', () => {
    // Shaped on RFC 3464's examples: CRLF lines, several recipients, fields in any case.
    const report = [
      'Reporting-MTA: dns; cs.utk.example',
      'Original-Envelope-Id: 3f1c2b5e-task',
      'Arrival-Date: Thu, 3 Dec 2026 10:00:00 +0000',
      '',
      'Final-Recipient: rfc822; Louisl@Larry.Slip.Example',
      'Action: failed',
      'Status: 4.0.0 (unknown temporary failure)',
      'Diagnostic-Code: smtp; 426 connection timed out',
      '',
      'final-recipient: RFC822; <Keith@Cs.Utk.Example>',
      'action: delayed',
      'status: 4.2.2',
      'will-retry-until: Fri, 4 Dec 2026 10:00:00 +0000',
      '',
      'Original-Recipient: rfc822; moore@cs.utk.example',
      'Action: failed',
      'Status: 5.7.1',
      '',
    ].join('\r\n');
    const parsed = parseDeliveryStatus(report);
    expect(parsed.envelopeId).toBe('3f1c2b5e-task');
    expect(parsed.recipients.map((r) => [r.recipient, r.action, r.status])).toEqual([
      ['louisl@larry.slip.example', 'failed', '4.0.0'],
      ['keith@cs.utk.example', 'delayed', '4.2.2'],
      ['moore@cs.utk.example', 'failed', '5.7.1'],
    ]);
  });

  it('never throws on garbage: what is missing is null, and a report without recipients has none', () => {
    expect(parseDeliveryStatus('')).toEqual({ reportingMta: null, envelopeId: null, recipients: [] });
    expect(parseDeliveryStatus('no colon here\n\n\n::: odd')).toEqual({
      reportingMta: null,
      envelopeId: null,
      recipients: [],
    });
  });
});

describe('bounce kinds and enhanced status codes', () => {
  it('classifies as the API says: 5.1.x, 5.2.1, 5.5.x hard; 5.7.x block; the rest soft', () => {
    expect(['5.1.1', '5.1.10', '5.2.1', '5.5.0'].map(bounceKindOf)).toEqual(['hard', 'hard', 'hard', 'hard']);
    expect(['5.7.1', '5.7.26'].map(bounceKindOf)).toEqual(['block', 'block']);
    expect(['4.2.2', '4.4.1', '5.2.2', '5.3.4'].map(bounceKindOf)).toEqual(['soft', 'soft', 'soft', 'soft']);
  });

  it('finds the enhanced code in an SMTP reply, also in a multi-line one', () => {
    expect(enhancedStatusOf('550 5.1.1 <ghost@x.test>: Recipient address rejected')).toBe('5.1.1');
    expect(enhancedStatusOf('550-5.7.26 Unauthenticated email is not accepted')).toBe('5.7.26');
    expect(enhancedStatusOf('451 4.2.1 Mailbox busy')).toBe('4.2.1');
    expect(enhancedStatusOf('550 Requested action not taken: mailbox unavailable')).toBeNull();
  });
});

describe('parseFeedbackReport', () => {
  it('reads an ARF report shaped on RFC 5965 appendix B', () => {
    const report = [
      'Feedback-Type: abuse',
      'User-Agent: SomeGenerator/1.0',
      'Version: 1',
      'Original-Mail-From: <bounces+tok@bounce.example.test>',
      'Original-Rcpt-To: <User@Example.NET>',
      'Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT',
      'Reporting-MTA: dns; mail.example.com',
      'Source-IP: 192.0.2.1',
      '',
    ].join('\r\n');
    expect(parseFeedbackReport(report)).toEqual({
      feedbackType: 'abuse',
      userAgent: 'SomeGenerator/1.0',
      originalRcptTo: 'user@example.net',
      originalMailFrom: 'bounces+tok@bounce.example.test',
      arrivalDate: 'Thu, 8 Mar 2005 14:00:00 EDT',
      sourceIp: '192.0.2.1',
    });
    expect(parseFeedbackReport('Feedback-Type: abuse')).toMatchObject({
      feedbackType: 'abuse',
      originalRcptTo: null,
    });
  });
});
