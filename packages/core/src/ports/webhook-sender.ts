export interface WebhookRequest {
  url: string;
  /** Every header to send, signature included. */
  headers: Record<string, string>;
  body: string;
  /** The whole exchange (connect, send, the answer's status line) within this, in ms. */
  timeoutMs: number;
  /**
   * The URL is the operator's (STATUS_CALLBACK_URL), not a client's: no SSRF check. A client's
   * webhook URL is never sent with it.
   */
  trusted?: boolean;
}

/** What came back: any HTTP status counts as an answer (the dispatcher judges it). */
export interface WebhookResponse {
  status: number;
}

/**
 * POSTs a signed event to a webhook URL. It checks the URL with the SSRF guard at each send (DNS
 * can change) and connects only to an address it checked, follows no redirect, and rejects
 * (NotifyError) when no answer came: refused, timed out, or blocked by the guard
 * (WEBHOOK_URL_FORBIDDEN).
 */
export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookResponse>;
}

export const WebhookSenderToken = Symbol.for('@notify/WebhookSender');
