// The custom transport inside the engine: one notification goes through the whole pipeline
// (accept → queue → render → HttpEmailApiTransport) and lands at the stand-in email API.
//   pnpm --filter @notify-examples/custom-transport start
import {
  createEmailEngine,
  DirectoryTemplateSource,
  defaultTemplatesDir,
  InMemoryNotificationQueue,
  InMemoryNotificationStore,
} from '@notify/email-core';
import { startEmailApiStandIn } from './email-api-stand-in.js';
import { createHttpEmailApiTransport } from './http-email-api-transport.js';

const api = await startEmailApiStandIn();
const transport = createHttpEmailApiTransport({ baseUrl: api.baseUrl, token: api.token });
const queue = new InMemoryNotificationQueue();
const engine = createEmailEngine(
  {
    store: new InMemoryNotificationStore(),
    queue,
    transport,
    templates: new DirectoryTemplateSource(defaultTemplatesDir()),
  },
  // Short backoff so the demo's one transient failure is retried within a second.
  { from: 'Example <noreply@example.com>', retryBaseMs: 200 },
);
engine.startRelay();
const consumer = await queue.consume(
  async (message) => {
    await engine.processNotification(message);
  },
  { concurrency: 2 },
);

// The API is "down" for the first attempt: the transport reports SMTP_TRANSIENT, the engine retries.
api.failNext(503, 'maintenance');
await engine.acceptNotification({
  body: {
    notification_type: 'email',
    user_id: 'user-7',
    template_code: 'password_reset',
    variables: { email: 'grace@example.com', name: 'Grace', link: 'https://example.com/reset/abc' },
    request_id: 'reset-user-7-1',
  },
  correlationId: 'demo',
});

let view = await engine.getNotification('reset-user-7-1');
const deadline = Date.now() + 15_000;
while (view.status !== 'delivered' && view.status !== 'failed' && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  view = await engine.getNotification('reset-user-7-1');
}
const email = api.received[0];
console.log(`status ${view.status} after ${view.attempts} attempts`);
console.log(`the email API received ${api.received.length} email(s): "${email?.subject}" to ${email?.to}`);

await consumer.stop();
await engine.stop();
await transport.close();
await api.close();
console.log(
  `RESULT ${JSON.stringify({ status: view.status, attempts: view.attempts, received: api.received.length, subject: email?.subject, messageId: email?.headers['Message-ID'] })}`,
);
