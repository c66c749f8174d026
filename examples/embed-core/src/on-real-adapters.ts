// Step 2: the same application code on the production adapters: PostgreSQL holds the records,
// RabbitMQ carries the work (priority, delayed retries, dead letters), SMTP delivers.
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/notify \
//   RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672 \
//   EMAIL_HOST=127.0.0.1 EMAIL_PORT=1025 \
//   pnpm --filter @notify-examples/embed-core start:real
import { createAmqpQueue } from '@notify/adapter-amqp';
import { createPostgresStore, migrate } from '@notify/adapter-postgres';
import { createSmtpTransport } from '@notify/adapter-smtp';
import { createEmailEngine, DirectoryTemplateSource, defaultTemplatesDir } from '@notify/email-core';
import { sendWelcomeEmail, waitUntilFinal } from './signup.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required; see examples/embed-core/README.md`);
    process.exit(2);
  }
  return value;
}

const databaseUrl = required('DATABASE_URL');
const rabbitmqUrl = required('RABBITMQ_URL');
const smtpHost = required('EMAIL_HOST');
const smtpPort = Number(process.env.EMAIL_PORT ?? 25);

// Versioned migrations; safe to run on every start and from several processes at once.
const { applied } = await migrate({ connectionString: databaseUrl });
console.log(`migrations applied: ${applied.length === 0 ? 'none (up to date)' : applied.join(', ')}`);

const store = createPostgresStore({ connectionString: databaseUrl });
const queue = createAmqpQueue({ url: rabbitmqUrl, connectionName: 'embed-core example' });
// A local catcher (Mailpit, the test peer) speaks plain SMTP; a real provider wants
// `port: 587, requireTLS: true, auth: { user, pass }`.
const transport = createSmtpTransport({ host: smtpHost, port: smtpPort, secure: false });
const engine = createEmailEngine(
  { store, queue, transport, templates: new DirectoryTemplateSource(defaultTemplatesDir()) },
  { from: 'Example <noreply@example.com>' },
);

engine.startRelay();
const consumer = await queue.consume(
  async (message) => {
    await engine.processNotification(message);
  },
  { concurrency: 4 },
);

try {
  // A fresh user per run, so each run sends a mail (the same id again would be a replay).
  const id = process.env.DEMO_USER_ID ?? `user-${Date.now().toString(36)}`;
  const accepted = await sendWelcomeEmail(engine, { id, email: 'ada@example.com', name: 'Ada' });
  console.log(`accepted ${accepted.request_id} as task ${accepted.task_id} (replayed: ${accepted.replayed})`);
  const final = await waitUntilFinal(engine, accepted.request_id, 30_000);
  console.log(
    `status ${final.status} after ${final.attempts} attempt(s)${final.error ? `: ${final.error}` : ''}`,
  );
  console.log(
    `RESULT ${JSON.stringify({ status: final.status, request_id: final.request_id, attempts: final.attempts })}`,
  );
} finally {
  // Order matters: stop consuming, flush the relay, then close the connections.
  await consumer.stop();
  await engine.stop();
  await Promise.all([queue.close(), store.close(), transport.close()]);
}
