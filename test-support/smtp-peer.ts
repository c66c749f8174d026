/**
 * An in-process SMTP server for integration tests: a real `smtp-server` on 127.0.0.1 (port 0)
 * whose behaviour can be switched while a test runs (accept, reject RCPT with a code, never
 * answer, stop listening), and which parses every accepted message with mailparser.
 *
 * A plain `net.Server` owns the port and hands each socket to smtp-server, so the peer can
 * hold a socket without ever greeting (`silent()`) and can stop and restart listening on the
 * same port (`down()` / `up()`), which smtp-server alone cannot do.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

const tlsDir = join(dirname(fileURLToPath(import.meta.url)), 'tls');

/** The fixed self-signed test certificate (CN=localhost, SAN localhost and 127.0.0.1). */
export const peerTlsCert: string = readFileSync(join(tlsDir, 'smtp-peer-cert.pem'), 'utf8');
const peerTlsKey: string = readFileSync(join(tlsDir, 'smtp-peer-key.pem'), 'utf8');

export interface SmtpPeerOptions {
  /**
   * `undefined` / `'none'`: no authentication needed (AUTH, if sent, accepts anything);
   * `'any'`: AUTH required, any credentials accepted; `{ user, pass }`: AUTH required with exactly these.
   */
  auth?: 'none' | 'any' | { user: string; pass: string };
  /** Offer STARTTLS with the fixed test certificate (`peerTlsCert`). Default false. */
  starttls?: boolean;
  /**
   * Wait this long before answering each message's DATA (default 0), so that a client has sends
   * in flight at any moment: what a fault test needs to kill a process mid-send.
   */
  replyDelayMs?: number;
}

/** A per-recipient answer set with `rejectRecipients` (the mode applies to everyone else). */
export interface RecipientRule {
  match: (address: string) => boolean;
  code: number;
  message: string;
  /** Rejections per address before that address is accepted (default: unlimited). */
  times: number;
}

export interface ReceivedMessage {
  /** The Message-ID header as sent, angle brackets included ('' when absent). */
  messageId: string;
  /** The From header address ('' when absent). */
  from: string;
  /** The To header addresses. */
  to: string[];
  subject: string;
  html: string | undefined;
  text: string | undefined;
  /** Header values by lower-cased name (the last occurrence wins), unfolded, as on the wire. */
  headers: Record<string, string>;
  envelope: { from: string | undefined; to: string[] };
  /** Whether the session that carried it was TLS (after STARTTLS). */
  secure: boolean;
  /** The authenticated user, if any. */
  user: string | undefined;
  raw: string;
  /** When the peer accepted it (ms since the epoch). */
  receivedAt: number;
}

export type SmtpPeerMode =
  | { kind: 'accept' }
  | { kind: 'reject'; code: number; message: string; remaining: number }
  | { kind: 'silent' };

export interface SmtpPeer {
  readonly host: string;
  readonly port: number;
  /** Every message accepted so far, in arrival order. */
  readonly messages: ReceivedMessage[];
  /** SMTP sessions started (a pooled client should open few). */
  readonly sessionCount: number;
  /** Sessions that have ended, however they ended. */
  readonly closedSessions: number;
  /** Sessions the client ended politely with QUIT (counted from the server's 221 replies). */
  readonly quits: number;
  readonly mode: SmtpPeerMode;
  /** Accept every recipient (the default). */
  accept(): void;
  /**
   * Answer every RCPT TO with `code message` (e.g. 550 / 451); after `times` rejections
   * (default: unlimited) the peer accepts again.
   */
  reject(code: number, message: string, times?: number): void;
  /**
   * Answer RCPT TO for the addresses `match` selects with `code message`, `times` times per
   * address (default unlimited), whatever the mode; other addresses follow the mode.
   */
  rejectRecipients(match: (address: string) => boolean, code: number, message: string, times?: number): void;
  /** RCPT TO rejections answered so far, by address (from `reject` and `rejectRecipients`). */
  readonly rejections: Map<string, number>;
  /** New connections are accepted at the TCP level and never answered (no greeting). */
  silent(): void;
  /** Stop listening and drop every open connection; the port is kept for `up()`. */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  /** Resolves with the messages once at least `count` have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  close(): Promise<void>;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((group) => group.value.map((entry) => entry.address ?? '').filter(Boolean));
}

function headerMap(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    const colon = line.indexOf(':');
    headers[key.toLowerCase()] = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  }
  return headers;
}

export async function startSmtpPeer(options: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  const auth = options.auth ?? 'none';
  const messages: ReceivedMessage[] = [];
  const waiters = new Set<() => void>();
  const heldSockets = new Set<net.Socket>();
  let mode: SmtpPeerMode = { kind: 'accept' };
  let sessionCount = 0;
  let closedSessions = 0;
  let quits = 0;
  const rules: RecipientRule[] = [];
  const rejections = new Map<string, number>();
  const ruleHits = new Map<RecipientRule, Map<string, number>>();
  const replyDelayMs = options.replyDelayMs ?? 0;
  // Bumped whenever the peer drops its connections: a message still being taken in then was
  // never answered with 250, so, like a server that crashed mid-transaction, it keeps nothing.
  let drops = 0;

  const ignore = () => {};
  const smtp = new SMTPServer({
    // Only the server's replies are read: a 221 is its answer to QUIT and to nothing else.
    logger: {
      trace: ignore,
      info: ignore,
      warn: ignore,
      error: ignore,
      fatal: ignore,
      debug(meta: { tnx?: string }, format: string, payload?: unknown) {
        if (meta?.tnx === 'send' && format === 'S:' && /^221\b/.test(String(payload))) quits += 1;
      },
    },
    banner: 'notify-email test peer',
    authOptional: auth === 'none',
    allowInsecureAuth: true,
    disabledCommands: options.starttls ? [] : ['STARTTLS'],
    ...(options.starttls ? { key: peerTlsKey, cert: peerTlsCert } : {}),
    size: 10 * 1024 * 1024,
    onConnect(_session, callback) {
      sessionCount += 1;
      callback();
    },
    onClose() {
      closedSessions += 1;
    },
    onAuth(credentials, _session, callback) {
      if (
        typeof auth === 'object' &&
        (credentials.username !== auth.user || credentials.password !== auth.pass)
      ) {
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
        return;
      }
      callback(null, { user: credentials.username ?? 'anonymous' });
    },
    onRcptTo(address, _session, callback) {
      const recipient = address.address.toLowerCase();
      const rule = rules.find((r) => r.match(recipient));
      if (rule) {
        const hits = ruleHits.get(rule) ?? new Map<string, number>();
        ruleHits.set(rule, hits);
        const seen = hits.get(recipient) ?? 0;
        if (seen < rule.times) {
          hits.set(recipient, seen + 1);
          rejections.set(recipient, (rejections.get(recipient) ?? 0) + 1);
          callback(Object.assign(new Error(rule.message), { responseCode: rule.code }));
          return;
        }
      }
      if (mode.kind === 'reject') {
        const { code, message } = mode;
        rejections.set(recipient, (rejections.get(recipient) ?? 0) + 1);
        mode.remaining -= 1;
        if (mode.remaining <= 0) mode = { kind: 'accept' };
        callback(Object.assign(new Error(message), { responseCode: code }));
        return;
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        const dropsAtEnd = drops;
        if (replyDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, replyDelayMs));
        simpleParser(raw).then(
          (parsed) => {
            if (drops !== dropsAtEnd) {
              callback(Object.assign(new Error('connection dropped'), { responseCode: 421 }));
              return;
            }
            messages.push({
              messageId: parsed.messageId ?? '',
              from: addresses(parsed.from)[0] ?? '',
              to: addresses(parsed.to),
              subject: parsed.subject ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : undefined,
              text: parsed.text,
              headers: headerMap(parsed),
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              secure: session.secure,
              user: typeof session.user === 'string' ? session.user : undefined,
              raw: raw.toString('utf8'),
              receivedAt: Date.now(),
            });
            for (const wake of waiters) wake();
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  // smtp-server reports client-side socket errors here; a test peer has no use for them.
  smtp.on('error', () => {});

  const listener = net.createServer((socket) => {
    if (mode.kind === 'silent') {
      heldSockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => heldSockets.delete(socket));
      return;
    }
    // The connection listener smtp-server registered on its own (never listening) net.Server.
    smtp.server.emit('connection', socket);
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, '127.0.0.1', () => {
        listener.off('error', reject);
        resolve();
      });
    });

  const dropConnections = () => {
    drops += 1;
    for (const socket of heldSockets) socket.destroy();
    heldSockets.clear();
    for (const connection of smtp.connections) connection.close();
  };

  await listen(0);
  const port = (listener.address() as net.AddressInfo).port;
  let listening = true;

  return {
    host: '127.0.0.1',
    port,
    messages,
    get sessionCount() {
      return sessionCount;
    },
    get closedSessions() {
      return closedSessions;
    },
    get quits() {
      return quits;
    },
    get mode() {
      return mode;
    },
    accept() {
      mode = { kind: 'accept' };
    },
    reject(code, message, times = Number.POSITIVE_INFINITY) {
      mode = { kind: 'reject', code, message, remaining: times };
    },
    rejectRecipients(match, code, message, times = Number.POSITIVE_INFINITY) {
      rules.push({ match, code, message, times });
    },
    rejections,
    silent() {
      mode = { kind: 'silent' };
    },
    async down() {
      if (!listening) return;
      listening = false;
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      dropConnections();
      await closed;
    },
    async up() {
      if (listening) return;
      await listen(port);
      listening = true;
    },
    waitFor(count, timeoutMs = 5_000) {
      if (messages.length >= count) return Promise.resolve(messages);
      return new Promise((resolve, reject) => {
        const wake = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`smtp peer: ${messages.length} of ${count} messages after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    async close() {
      if (listening) {
        listening = false;
        const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
        dropConnections();
        await closed;
      } else {
        dropConnections();
      }
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
