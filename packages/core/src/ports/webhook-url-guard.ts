/**
 * Decides whether events may be sent to a URL: the SSRF guard. It throws VALIDATION_FAILED at
 * `url` for a URL that is not http(s), WEBHOOK_URL_FORBIDDEN for one whose host is or resolves to
 * a loopback, private, link-local or metadata address (unless the operator allows private
 * networks), UNAVAILABLE when it could not tell (DNS down). Asked at creation, on a URL change and
 * before every send: DNS can change.
 */
export interface WebhookUrlGuard {
  check(url: string): Promise<void>;
}

export const WebhookUrlGuardToken = Symbol.for('@notify/WebhookUrlGuard');
