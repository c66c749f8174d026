import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mailTransportContract, type ReceivedMail } from '@notify/email-core/testing';
import { type AddressObject, simpleParser } from 'mailparser';
import { describe, it } from 'vitest';
import { startSmtpPeer } from '../../../test-support/smtp-peer.js';
import { createEmlFileTransport, createSmtpTransport } from '../src/index.js';

describe('SmtpMailTransport against the in-process SMTP peer', () => {
  mailTransportContract(it, async () => {
    const peer = await startSmtpPeer();
    const transport = createSmtpTransport({ host: peer.host, port: peer.port, socketTimeoutMs: 5_000 });
    return {
      subject: transport,
      received: async () => peer.messages,
      rejectNextPermanently: async () => peer.reject(550, '5.1.1 mailbox unknown', 1),
      failNextTemporarily: async () => peer.reject(451, '4.3.0 try again later', 1),
      cleanup: async () => {
        await transport.close();
        await peer.close();
      },
    };
  });
});

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((group) => group.value.map((entry) => entry.address ?? ''));
}

describe('EmlFileTransport writing to a temporary folder', () => {
  mailTransportContract(
    it,
    async () => {
      const directory = await mkdtemp(join(tmpdir(), 'notify-eml-contract-'));
      const transport = createEmlFileTransport({ directory });
      const received = async (): Promise<ReceivedMail[]> => {
        const files = (await readdir(directory)).filter((name) => name.endsWith('.eml')).sort();
        return Promise.all(
          files.map(async (name) => {
            const parsed = await simpleParser(await readFile(join(directory, name)));
            const headers: Record<string, string> = {};
            for (const { key, line } of parsed.headerLines)
              headers[key] = line.slice(line.indexOf(':') + 1).trim();
            return {
              from: addresses(parsed.from)[0] ?? '',
              to: addresses(parsed.to),
              subject: parsed.subject ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : undefined,
              text: parsed.text,
              messageId: parsed.messageId ?? '',
              headers,
            };
          }),
        );
      };
      return {
        subject: transport,
        received,
        cleanup: () => rm(directory, { recursive: true, force: true }),
      };
    },
    {
      lacks: {
        permanentRejection: 'a folder has no recipient server that could refuse a message',
        temporaryFailure: 'a folder has no recipient server that could defer a message',
      },
    },
  );
});
