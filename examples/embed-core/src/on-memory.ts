// Step 1: the engine inside your own process, on the core's in-memory backends. No database, no
// broker, no SMTP server: good for development, tests, and learning the moving parts.
//   pnpm --filter @notify-examples/embed-core start
import {
  createEmailEngine,
  DirectoryTemplateSource,
  defaultTemplatesDir,
  InMemoryMailTransport,
  InMemoryNotificationQueue,
  InMemoryNotificationStore,
} from '@notify/email-core';
import { sendWelcomeEmail, waitUntilFinal } from './signup.js';

const queue = new InMemoryNotificationQueue();
const transport = new InMemoryMailTransport(); // keeps every message in `transport.sent`
const engine = createEmailEngine(
  {
    store: new InMemoryNotificationStore(),
    queue,
    transport,
    templates: new DirectoryTemplateSource(defaultTemplatesDir()), // the shipped templates
  },
  { from: 'Example <noreply@example.com>' },
);

// The relay publishes accepted notifications to the queue after they are stored; the consumer
// is the worker half. In a real deployment they may live in different processes.
engine.startRelay();
const consumer = await queue.consume(
  async (message) => {
    await engine.processNotification(message);
  },
  { concurrency: 4 },
);

const user = { id: 'user-42', email: 'ada@example.com', name: 'Ada' };
const first = await sendWelcomeEmail(engine, user);
console.log(`accepted ${first.request_id} as task ${first.task_id} (status ${first.status})`);
const again = await sendWelcomeEmail(engine, user);
console.log(`asked again: replayed=${again.replayed}, same task: ${again.task_id === first.task_id}`);

const final = await waitUntilFinal(engine, first.request_id);
const mail = transport.sent[0];
console.log(`status ${final.status} after ${final.attempts} attempt(s)`);
console.log(
  `sent ${transport.sent.length} email(s): "${mail?.subject}" to ${mail?.to}, Message-ID ${mail?.messageId}`,
);

await consumer.stop();
await engine.stop();
// One machine-readable line for scripts and the example's test.
console.log(
  `RESULT ${JSON.stringify({ status: final.status, sent: transport.sent.length, subject: mail?.subject, to: mail?.to, messageId: mail?.messageId, replayed: again.replayed })}`,
);
