/**
 * The ceiling of the end-to-end figures: raw pooled nodemailer sends of the service's message
 * (the welcome_email template, rendered the same way, same sizes) to the same SMTP peer, with the
 * stock transport's pool settings. No store, no queue, no template engine: what is left when
 * the service's own work is taken away.
 *
 * Usage: node raw-sender.js <port> <count> <poolSize> <concurrency>; IPC `{ type: 'done', sent, elapsedMs }`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { ROOT } from './paths.js';

const [port, count, poolSize, concurrency] = process.argv.slice(2).map(Number) as [
  number,
  number,
  number,
  number,
];

const variables: Record<string, string> = {
  name: 'John Doe',
  email: 'john@example.com',
  link: 'https://example.com/verify',
  subject: 'Welcome to Our Platform',
};
function render(file: string): string {
  const source = readFileSync(join(ROOT, 'packages/core/templates/welcome_email', file), 'utf8');
  return source.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => variables[name] ?? '');
}
const html = render('html.hbs');
const text = render('text.hbs');

const transport = nodemailer.createTransport({
  pool: true,
  host: '127.0.0.1',
  port,
  secure: false,
  ignoreTLS: true,
  maxConnections: poolSize,
  // As the stock transport (adapter-smtp's default).
  maxMessages: 100,
});

let next = 0;
let sent = 0;
async function lane(): Promise<void> {
  while (next < count) {
    next += 1;
    const n = next;
    await transport.sendMail({
      from: 'noreply@example.com',
      to: variables.email,
      subject: variables.subject,
      html,
      text,
      messageId: `<raw-${process.pid}-${n}@example.com>`,
    });
    sent += 1;
  }
}

const started = performance.now();
try {
  await Promise.all(Array.from({ length: concurrency }, () => lane()));
  process.send?.({ type: 'done', sent, elapsedMs: performance.now() - started });
} catch (error) {
  process.send?.({ type: 'done', error: error instanceof Error ? error.message : String(error) });
} finally {
  transport.close();
}
