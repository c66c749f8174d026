import { randomUUID } from 'node:crypto';
import type { AcceptResult, EmailEngine, NotificationView } from '@notify/email-core';

/**
 * The host application's own code. It knows nothing about stores, queues or SMTP: it hands the
 * engine a notification and later reads its status, exactly as the HTTP API would.
 */
export interface User {
  id: string;
  email: string;
  name: string;
}

/**
 * Asks for the welcome email of a new user. The request_id is derived from the user, so calling
 * this twice (a retried job, a double click) is an idempotent replay: same task_id, one email.
 */
export function sendWelcomeEmail(engine: EmailEngine, user: User): Promise<AcceptResult> {
  return engine.acceptNotification({
    body: {
      notification_type: 'email',
      user_id: user.id,
      template_code: 'welcome_email',
      variables: { email: user.email, name: user.name, link: `https://example.com/verify/${user.id}` },
      request_id: `welcome-${user.id}`,
      metadata: { source: 'signup' },
    },
    correlationId: randomUUID(),
  });
}

/** Polls the engine until the notification is delivered or failed. */
export async function waitUntilFinal(
  engine: EmailEngine,
  requestId: string,
  timeoutMs = 15_000,
): Promise<NotificationView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await engine.getNotification(requestId);
    if (view.status === 'delivered' || view.status === 'failed') return view;
    if (Date.now() > deadline) throw new Error(`still ${view.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
