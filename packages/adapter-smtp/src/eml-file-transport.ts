import { constants } from 'node:fs';
import { access, link, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type Clock,
  type MailMessage,
  type MailTransport,
  type MailTransportCapabilities,
  NotifyError,
  type SendResult,
  systemClock,
} from '@notify/email-core';
import { composeMessage, nextBoundary } from './mime-message.js';

/** Makes each temporary file name unique within the process. */
let temporaryCounter = 0;

export interface EmlFileTransportOptions {
  /** Folder the `.eml` files are written to; created on first use. */
  directory: string;
  /** Source of the timestamp in file names (tests pass a manual clock). Default: system time. */
  clock?: Clock;
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** Keeps a request id usable as part of a file name on every OS. */
function sanitise(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return (safe || 'message').slice(0, 100);
}

/**
 * The embedded mode's MailTransport: every message is built exactly as the SMTP transport
 * carries it (`composeMessage`, CRLF line ends) and written to its own `.eml` file, which any
 * mail client opens. Nothing leaves the machine.
 */
export class EmlFileTransport implements MailTransport {
  /** Files on this machine: nothing reaches a recipient. */
  readonly capabilities: MailTransportCapabilities = { delivers: false };
  readonly #directory: string;
  readonly #clock: Clock;

  constructor(options: EmlFileTransportOptions) {
    if (typeof options?.directory !== 'string' || options.directory.trim() === '') {
      throw new NotifyError('CONFIG_INVALID', 'EML transport option directory must be a non-empty path', {
        details: [{ path: 'directory', message: 'must be a non-empty path' }],
      });
    }
    this.#directory = resolve(options.directory);
    this.#clock = options.clock ?? systemClock;
  }

  /** The absolute folder the files go to. */
  get directory(): string {
    return this.#directory;
  }

  async send(message: MailMessage): Promise<SendResult> {
    const { raw } = composeMessage(message, { boundary: nextBoundary() });
    const stamp = this.#clock.now().toISOString().replace(/:/g, '-');
    const request =
      headerValue(message.headers ?? {}, 'X-Request-ID') ?? message.messageId.replace(/[<>]/g, '');
    const base = `${stamp}-${sanitise(request)}`;
    await mkdir(this.#directory, { recursive: true }).catch((error: unknown) => {
      throw new NotifyError(
        'SMTP_TRANSIENT',
        `could not create ${this.#directory}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    });
    const file = await this.#writeNew(base, raw);
    return { messageId: message.messageId, response: `250 written to ${file}`, accepted: [message.to] };
  }

  /**
   * A file appears whole or not at all, as in a Maildir: the bytes go to a hidden temporary file
   * first, then `link` gives them their name, which never overwrites (a resend of the same
   * request in the same millisecond gets a suffix). A reader watching the folder never sees a
   * half-written `.eml`.
   */
  async #writeNew(base: string, content: Buffer): Promise<string> {
    temporaryCounter += 1;
    const temporary = join(this.#directory, `.${base}.${process.pid}.${temporaryCounter}.tmp`);
    try {
      await writeFile(temporary, content, { flag: 'wx' });
      for (let n = 0; ; n += 1) {
        const file = join(this.#directory, n === 0 ? `${base}.eml` : `${base}-${n}.eml`);
        try {
          await link(temporary, file);
          return file;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
      }
    } catch (error) {
      throw new NotifyError(
        'SMTP_TRANSIENT',
        `could not write to ${this.#directory}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    } finally {
      await rm(temporary, { force: true });
    }
  }

  /** Healthy when the folder exists (or can be created) and is writable. */
  async verify(): Promise<void> {
    try {
      await mkdir(this.#directory, { recursive: true });
      await access(this.#directory, constants.W_OK);
    } catch (error) {
      throw new NotifyError('SMTP_TRANSIENT', `EML directory ${this.#directory} is not writable`, {
        cause: error,
      });
    }
  }

  async close(): Promise<void> {}
}

export function createEmlFileTransport(options: EmlFileTransportOptions): EmlFileTransport {
  return new EmlFileTransport(options);
}
