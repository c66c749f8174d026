export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  html?: string;
  text?: string;
  /** Deterministic, derived from request_id, in angle brackets: `<…@…>`. */
  messageId: string;
  /** Extra headers, e.g. X-Request-ID, X-Correlation-ID. */
  headers: Record<string, string>;
}

export interface SendResult {
  messageId: string;
  /** The server's final reply line, e.g. `250 2.0.0 OK`. */
  response: string;
  accepted: string[];
}

export interface MailTransportCapabilities {
  /**
   * It hands mail to a mail system that delivers it to the recipient (an SMTP relay). False for a
   * transport that keeps mail to look at (`.eml` files, memory): a process on shared, durable
   * backends refuses such a transport unless it was asked for by name, since every notification
   * would end `delivered` with nobody receiving it.
   */
  delivers: boolean;
}

/**
 * Sends one message. Failures are thrown as NotifyError: SMTP_TRANSIENT / SMTP_TIMEOUT (retryable,
 * network errors and 4xx) or SMTP_PERMANENT (5xx), with `responseCode` and the reply in the message.
 */
export interface MailTransport {
  /** Absent means `{ delivers: true }`, so transports written before it keep their meaning. */
  readonly capabilities?: MailTransportCapabilities;
  send(message: MailMessage): Promise<SendResult>;
  /** Checks the server is reachable (used by health). */
  verify(): Promise<void>;
  close(): Promise<void>;
}

export const MailTransportToken = Symbol.for('@notify/MailTransport');
