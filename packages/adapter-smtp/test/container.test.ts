import { type MailTransport, MailTransportToken } from '@notify/email-core';
import { Container } from 'inversify';
import { afterEach, describe, expect, it } from 'vitest';
import { type SmtpPeer, startSmtpPeer } from '../../../test-support/smtp-peer.js';
import {
  EmlFileTransport,
  emlFileTransportModule,
  SmtpMailTransport,
  smtpTransportModule,
} from '../src/index.js';

let peer: SmtpPeer | undefined;

afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

describe('container modules', () => {
  it('smtpTransportModule binds one SmtpMailTransport that sends through the configured server', async () => {
    peer = await startSmtpPeer();
    const container = new Container();
    await container.loadAsync(smtpTransportModule({ host: peer.host, port: peer.port }));
    const transport = container.get<MailTransport>(MailTransportToken);
    expect(transport).toBeInstanceOf(SmtpMailTransport);
    expect(container.get(MailTransportToken)).toBe(transport);
    await transport.send({
      from: 'a@notify.test',
      to: 'b@example.test',
      subject: 'via container',
      text: 'hi',
      messageId: '<c.1@notify.test>',
      headers: {},
    });
    expect((await peer.waitFor(1))[0]?.subject).toBe('via container');
    await container.unbindAsync(MailTransportToken);
    // deactivation closed it
    await expect(transport.verify()).rejects.toMatchObject({ code: 'SMTP_TRANSIENT' });
  });

  it('emlFileTransportModule binds an EmlFileTransport', async () => {
    const container = new Container();
    await container.loadAsync(emlFileTransportModule({ directory: '/tmp/notify-eml-container' }));
    expect(container.get(MailTransportToken)).toBeInstanceOf(EmlFileTransport);
  });
});
