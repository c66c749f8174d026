import { watch } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MailMessage } from '@notify/email-core';
import { ManualClock } from '@notify/email-core/testing';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpPeer } from '../../../test-support/smtp-peer.js';
import { createEmlFileTransport, createSmtpTransport } from '../src/index.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'notify-eml-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const mail: MailMessage = {
  from: 'Notify <noreply@notify.test>',
  to: 'ada@example.test',
  subject: 'Your receipt ✓',
  html: '<h1>Thanks, Ada</h1>',
  text: 'Thanks, Ada',
  messageId: '<req-eml.42@notify.test>',
  headers: { 'X-Request-ID': 'order/42 ../etc', 'X-Correlation-ID': 'corr-eml' },
};

describe('EmlFileTransport', () => {
  it('writes a real RFC 5322 message that parses back to the same content', async () => {
    const directory = join(root, 'outbox', 'nested');
    const clock = new ManualClock();
    clock.set(new Date('2030-01-02T03:04:05.678Z'));
    const transport = createEmlFileTransport({ directory, clock });
    expect(transport.directory).toBe(directory);

    const result = await transport.send(mail);

    const files = await readdir(directory);
    // the request id is sanitised: no path separators, no leading dots
    expect(files).toEqual(['2030-01-02T03-04-05.678Z-order_42_.._etc.eml']);
    expect(result.messageId).toBe('<req-eml.42@notify.test>');
    expect(result.accepted).toEqual(['ada@example.test']);
    const raw = await readFile(join(directory, files[0]!));
    expect(raw.toString('latin1')).toContain('\r\n');
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe('<req-eml.42@notify.test>');
    expect(parsed.subject).toBe('Your receipt ✓');
    expect(parsed.html).toContain('<h1>Thanks, Ada</h1>');
    expect(parsed.text?.trim()).toBe('Thanks, Ada');
    expect(parsed.headers.get('x-request-id')).toBe('order/42 ../etc');
    expect(parsed.headers.get('x-correlation-id')).toBe('corr-eml');
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]?.address : undefined).toBe(
      'ada@example.test',
    );
  });

  it('never shows a half-written .eml to a reader watching the folder', async () => {
    const transport = createEmlFileTransport({ directory: root });
    // Big enough to take several writes: a file created first and filled after would be seen short.
    const big = { ...mail, html: `<p>${'x'.repeat(4 * 1024 * 1024)}</p>`, text: undefined };
    const sizes: number[] = [];
    const reads: Promise<void>[] = [];
    const watcher = watch(root, (_event, name) => {
      if (typeof name !== 'string' || !name.endsWith('.eml')) return;
      reads.push(
        readFile(join(root, name)).then(
          (bytes) => void sizes.push(bytes.length),
          () => {},
        ),
      );
    });
    try {
      for (let n = 0; n < 5; n++) await transport.send(big);
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.all(reads);
    } finally {
      watcher.close();
    }
    const files = await readdir(root);
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(5);
    expect(files.filter((f) => !f.endsWith('.eml'))).toEqual([]);
    const full = (await readFile(join(root, files[0]!))).length;
    expect(sizes.length).toBeGreaterThan(0);
    expect(sizes.every((size) => size === full)).toBe(true);
  });

  it('writes the very bytes the SMTP transport sends, but for the Date and the boundary', async () => {
    const transport = createEmlFileTransport({ directory: root });
    await transport.send(mail);
    const [file] = await readdir(root);
    const written = await readFile(join(root, file!), 'utf8');
    const peer = await startSmtpPeer();
    const smtp = createSmtpTransport({ host: peer.host, port: peer.port });
    try {
      await smtp.send(mail);
      const [received] = await peer.waitFor(1);
      // Each message has its own Date and boundary; everything else must match byte for byte.
      const comparable = (raw: string) =>
        raw
          .replace(/^Date: .*\r\n/m, '')
          .replace(/_NmP-[0-9a-z]+-Part/g, '_NmP-*-Part')
          .replace(/\r\n$/, '');
      expect(comparable(written)).toBe(comparable(received!.raw));
      expect(written).toContain('Content-Type: multipart/alternative');
    } finally {
      await smtp.close();
      await peer.close();
    }
  });

  it('never overwrites: the same request at the same instant gets a second file', async () => {
    const clock = new ManualClock();
    const transport = createEmlFileTransport({ directory: root, clock });
    await transport.send(mail);
    await transport.send(mail);
    const files = await readdir(root);
    expect(files).toHaveLength(2);
    expect(files.filter((name) => name.endsWith('etc-1.eml'))).toHaveLength(1);
  });

  it('verify() creates the folder, and fails as a NotifyError when it cannot be written', async () => {
    const transport = createEmlFileTransport({ directory: join(root, 'later') });
    await transport.verify();
    expect(await readdir(root)).toContain('later');

    // a regular file where the folder should be: nothing can be written beneath it
    const file = join(root, 'not-a-folder');
    await writeFile(file, 'x');
    const blocked = createEmlFileTransport({ directory: join(file, 'sub') });
    await expect(blocked.verify()).rejects.toMatchObject({ code: 'SMTP_TRANSIENT' });
    await expect(blocked.send(mail)).rejects.toMatchObject({ code: 'SMTP_TRANSIENT' });
  });
});
