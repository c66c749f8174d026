import { NotifyError } from '../domain/errors.js';
import type {
  MailMessage,
  MailTransport,
  MailTransportCapabilities,
  SendResult,
} from '../ports/mail-transport.js';

/**
 * The embedded transport: accepts every message and keeps a copy in `sent`, which is what an
 * embedder (or a demo) reads instead of a mailbox. Ways to make it fail, the way an SMTP server
 * would, are test controls: ControllableMailTransport in src/testing/doubles.
 */
export class InMemoryMailTransport implements MailTransport {
  /** It keeps what it is given: nothing reaches a recipient. */
  readonly capabilities: MailTransportCapabilities = { delivers: false };
  /** Every message accepted, in order. */
  readonly sent: MailMessage[] = [];
  private closed = false;

  async send(message: MailMessage): Promise<SendResult> {
    this.assertOpen();
    const copy = structuredClone(message);
    this.sent.push(copy);
    return { messageId: copy.messageId, response: '250 2.0.0 OK queued in memory', accepted: [copy.to] };
  }

  async verify(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Throws the retryable SMTP_TRANSIENT a closed connection would. Protected for the test doubles. */
  protected assertOpen(): void {
    if (this.closed) throw new NotifyError('SMTP_TRANSIENT', 'In-memory transport is closed');
  }
}
