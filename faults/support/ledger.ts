/**
 * The client side of a fault scenario and its bookkeeping: sends notifications the way a real
 * client does (a 503 or a broken connection is retried later with the same request_id, which
 * the API's idempotency makes safe), remembers every request_id the API accepted with 202, and
 * at the end accounts for each of them at the SMTP peer and in PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import type { Stack, StatusRow } from '../../test-support/stack.js';
import { sleep } from '../../test-support/wait.js';

export type Answer = number | 'network-error';

export interface SendOptions {
  /** Recipient for the i-th notification (default `user<i>@faults.test`). */
  email?: (i: number) => string;
  priority?: number;
}

export interface BurstOptions extends SendOptions {
  count: number;
  /** Requests in flight at once (default 16). */
  concurrency?: number;
  /** Spread the burst over time: at most this many requests started per second. */
  ratePerSecond?: number;
  /** Called after each answer with how many answers so far (to inject a fault mid-burst). */
  onAnswer?: (answered: number, answer: Answer) => void | Promise<void>;
}

export interface Figures {
  scenario: string;
  accepted: number;
  delivered: number;
  duplicates: number;
  lost: number;
  failed: number;
  /** Accepted ids whose PostgreSQL status disagrees with what the peer received. */
  disagreements: number;
  drainMs: number;
}

export interface Accounting {
  figures: Figures;
  rows: Map<string, StatusRow>;
  /** Arrivals at the peer per accepted request_id. */
  arrivals: Map<string, number>;
  lostIds: string[];
  duplicateIds: string[];
  disagreementIds: string[];
  failedIds: string[];
}

export class Ledger {
  /** request_ids answered 202 (at some point). */
  readonly accepted = new Set<string>();
  /** request_ids last answered with something else (503, connection refused, reset...). */
  readonly unsettled = new Map<string, Answer>();
  /** Every answer, by status (or `network-error`). */
  readonly answers = new Map<Answer, number>();
  private readonly bodies = new Map<string, string>();
  private readonly prefix = `${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
  private next = 0;
  private startedAt = Date.now();

  constructor(
    private readonly stack: Stack,
    readonly scenario: string,
  ) {}

  /** Marks the start of the run; `drainMs` is measured from here to the last final status. */
  startClock(): void {
    this.startedAt = Date.now();
  }

  newRequestId(tag = 'n'): string {
    this.next += 1;
    return `${this.scenario}-${tag}-${this.prefix}-${this.next}`;
  }

  body(requestId: string, i: number, options: SendOptions = {}): string {
    return JSON.stringify({
      notification_type: 'email',
      user_id: `user-${i % 17}`,
      template_code: 'generic',
      variables: {
        email: options.email?.(i) ?? `user${i}@faults.test`,
        subject: `Fault suite ${this.scenario} #${i}`,
        body: `Notification ${requestId}`,
      },
      request_id: requestId,
      priority: options.priority ?? 10,
      metadata: { scenario: this.scenario },
    });
  }

  /** One POST; records the answer. */
  async post(requestId: string, body: string): Promise<Answer> {
    this.bodies.set(requestId, body);
    let answer: Answer;
    try {
      const response = await fetch(`${this.stack.baseUrl}/api/v1/notifications/`, {
        method: 'POST',
        headers: this.stack.headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      answer = response.status;
    } catch {
      answer = 'network-error';
    }
    this.answers.set(answer, (this.answers.get(answer) ?? 0) + 1);
    if (answer === 202) {
      this.accepted.add(requestId);
      this.unsettled.delete(requestId);
    } else if (!this.accepted.has(requestId)) {
      this.unsettled.set(requestId, answer);
    }
    return answer;
  }

  async send(options: SendOptions & { tag?: string } = {}): Promise<{ requestId: string; answer: Answer }> {
    const requestId = this.newRequestId(options.tag);
    const answer = await this.post(requestId, this.body(requestId, this.next, options));
    return { requestId, answer };
  }

  /** Sends `count` notifications, `concurrency` at a time, optionally paced. */
  async burst(options: BurstOptions): Promise<void> {
    const jobs = Array.from({ length: options.count }, () => {
      const requestId = this.newRequestId();
      return { requestId, body: this.body(requestId, this.next, options) };
    });
    const started = Date.now();
    let index = 0;
    let answered = 0;
    const lane = async () => {
      while (index < jobs.length) {
        const job = jobs[index] as (typeof jobs)[number];
        index += 1;
        if (options.ratePerSecond) {
          const due = started + (index * 1000) / options.ratePerSecond;
          if (due > Date.now()) await sleep(due - Date.now());
        }
        const answer = await this.post(job.requestId, job.body);
        answered += 1;
        await options.onAnswer?.(answered, answer);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 16 }, lane));
  }

  /**
   * What a client does after an outage: sends every request that was not answered 202 again,
   * with the same request_id and body, until each is accepted (or `timeoutMs` passes).
   */
  async resendUnsettled(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let resent = 0;
    while (this.unsettled.size > 0) {
      if (Date.now() > deadline) {
        throw new Error(`${this.unsettled.size} requests still not accepted after ${timeoutMs} ms`);
      }
      for (const requestId of [...this.unsettled.keys()]) {
        await this.post(requestId, this.bodies.get(requestId) as string);
        resent += 1;
      }
      if (this.unsettled.size > 0) await sleep(250);
    }
    return resent;
  }

  /** Waits until every accepted notification is final in PostgreSQL; resolves with the drain time. */
  async drain(timeoutMs = 120_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.stack.statuses();
      const open = [...this.accepted].filter((id) => {
        const status = rows.get(id)?.status;
        return status !== 'delivered' && status !== 'failed';
      });
      if (open.length === 0) break;
      if (Date.now() > deadline) {
        const sample = open.slice(0, 5).map((id) => `${id}=${rows.get(id)?.status ?? 'absent'}`);
        throw new Error(
          `${open.length} accepted notifications not final after ${timeoutMs} ms: ${sample.join(', ')}`,
        );
      }
      await sleep(200);
    }
    const drainMs = Date.now() - this.startedAt;
    // A message the peer acknowledged is recorded by the worker a moment later; let late
    // duplicates (a resend after a takeover) arrive too before counting.
    await sleep(1_500);
    return drainMs;
  }

  /**
   * Accounts for every accepted request_id: delivered at the peer once by Message-ID, final
   * status in PostgreSQL agreeing. `expectFailed` are ids the scenario meant to fail (a 550).
   */
  async account(drainMs: number, expectFailed: ReadonlySet<string> = new Set()): Promise<Accounting> {
    const rows = await this.stack.statuses();
    const arrivals = new Map<string, number>();
    const messageIds = new Map<string, Set<string>>();
    for (const message of this.stack.smtp.messages) {
      const requestId = message.headers['x-request-id'] ?? '';
      arrivals.set(requestId, (arrivals.get(requestId) ?? 0) + 1);
      messageIds.set(requestId, (messageIds.get(requestId) ?? new Set()).add(message.messageId));
    }
    const lostIds: string[] = [];
    const duplicateIds: string[] = [];
    const disagreementIds: string[] = [];
    const failedIds: string[] = [];
    let delivered = 0;
    let duplicates = 0;
    for (const id of this.accepted) {
      const row = rows.get(id);
      const count = arrivals.get(id) ?? 0;
      // One Message-ID per request_id, whatever the number of sends: a resend is recognisable.
      if ((messageIds.get(id)?.size ?? 0) > 1) disagreementIds.push(id);
      if (count > 0) delivered += 1;
      if (count > 1) {
        duplicates += count - 1;
        duplicateIds.push(id);
      }
      if (row?.status === 'failed') failedIds.push(id);
      const meantToFail = expectFailed.has(id);
      const settled = meantToFail
        ? row?.status === 'failed' && count === 0
        : row?.status === 'delivered' && count > 0;
      if (!settled && !(row?.status === 'failed' && !meantToFail && count === 0)) lostIds.push(id);
      if ((row?.status === 'delivered') !== count > 0) disagreementIds.push(id);
    }
    const figures: Figures = {
      scenario: this.scenario,
      accepted: this.accepted.size,
      delivered,
      duplicates,
      lost: lostIds.length,
      failed: failedIds.length,
      disagreements: new Set(disagreementIds).size,
      drainMs,
    };
    printFigures(figures);
    return { figures, rows, arrivals, lostIds, duplicateIds, disagreementIds, failedIds };
  }
}

/** The figures line every scenario prints (and docs/reliability.md quotes). */
function printFigures(f: Figures): void {
  const line =
    `FAULT-FIGURES ${f.scenario}: accepted=${f.accepted} delivered=${f.delivered} ` +
    `duplicates=${f.duplicates} lost=${f.lost} failed=${f.failed} ` +
    `disagreements=${f.disagreements} drain=${(f.drainMs / 1000).toFixed(1)}s`;
  // stderr reaches the terminal (and CI's log) even when vitest folds console output.
  process.stderr.write(`\n${line}\n`);
}
