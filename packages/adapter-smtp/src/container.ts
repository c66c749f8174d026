import { type MailTransport, MailTransportToken } from '@notify/email-core';
import { ContainerModule } from 'inversify';
import { createEmlFileTransport, type EmlFileTransportOptions } from './eml-file-transport.js';
import type { SmtpTransportOptions } from './smtp-options.js';
import { createSmtpTransport } from './smtp-transport.js';

/** Binds MailTransportToken to one pooled SMTP transport, closed when the container unbinds it. */
export function smtpTransportModule(options: SmtpTransportOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<MailTransport>(MailTransportToken)
      .toDynamicValue(() => createSmtpTransport(options))
      .inSingletonScope()
      .onDeactivation((transport) => transport.close());
  });
}

/** Binds MailTransportToken to an EmlFileTransport writing into `options.directory`. */
export function emlFileTransportModule(options: EmlFileTransportOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<MailTransport>(MailTransportToken)
      .toDynamicValue(() => createEmlFileTransport(options))
      .inSingletonScope();
  });
}
