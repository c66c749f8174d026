import { NotifyError } from '../../domain/errors.js';
import type { WebhookRequest, WebhookResponse, WebhookSender } from '../../ports/webhook-sender.js';

/** What the receiver does with one request: answer a status, or not answer at all (refused). */
export type ScriptedAnswer = number | 'refuse';

/**
 * A WebhookSender that sends nothing: it keeps every request and answers from a script (one
 * answer per request, in order, then `fallback`), so tests about signing, retries and the attempt
 * log need no server.
 */
export class RecordingWebhookSender implements WebhookSender {
  readonly requests: WebhookRequest[] = [];
  readonly #script: ScriptedAnswer[] = [];
  #fallback: ScriptedAnswer = 204;

  /** The next answers, in order. */
  answer(...answers: ScriptedAnswer[]): this {
    this.#script.push(...answers);
    return this;
  }

  /** The answer once the script is spent (default 204). */
  otherwise(answer: ScriptedAnswer): this {
    this.#fallback = answer;
    return this;
  }

  async send(request: WebhookRequest): Promise<WebhookResponse> {
    this.requests.push(structuredClone(request));
    const answer = this.#script.shift() ?? this.#fallback;
    if (answer === 'refuse') throw new NotifyError('UNAVAILABLE', 'ECONNREFUSED: connection refused');
    return { status: answer };
  }

  /** The parsed bodies sent, in order. */
  bodies(): Array<{ id: string; type: string; created_at: string; data: Record<string, unknown> }> {
    return this.requests.map((r) => JSON.parse(r.body));
  }
}
