export { emlFileTransportModule, smtpTransportModule } from './container.js';
export {
  createEmlFileTransport,
  EmlFileTransport,
  type EmlFileTransportOptions,
} from './eml-file-transport.js';
export { type ComposedMessage, type ComposeOptions, composeMessage } from './mime-message.js';
export { toSmtpNotifyError } from './smtp-error.js';
export type { SmtpTransportOptions } from './smtp-options.js';
export { createSmtpTransport, SmtpMailTransport } from './smtp-transport.js';
