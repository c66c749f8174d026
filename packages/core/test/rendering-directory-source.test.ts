import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DirectoryTemplateSource,
  defaultTemplatesDir,
  NotifyError,
  TemplateRenderer,
} from '@notify/email-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

async function rejection(promise: Promise<unknown>): Promise<NotifyError> {
  try {
    await promise;
  } catch (error) {
    expect(NotifyError.is(error)).toBe(true);
    return error as NotifyError;
  }
  throw new Error('expected a rejection');
}

describe('DirectoryTemplateSource', () => {
  let root: string;
  let dir: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'notify-templates-'));
    dir = join(root, 'templates');
    await mkdir(join(dir, 'order_shipped'), { recursive: true });
    await writeFile(join(dir, 'order_shipped', 'subject.hbs'), 'Order {{order}} shipped\n');
    await writeFile(join(dir, 'order_shipped', 'html.hbs'), '<p>Order {{order}}</p>\n');
    await writeFile(join(dir, 'order_shipped', 'text.hbs'), 'Order {{order}}\n');
    await mkdir(join(dir, 'text_only'));
    await writeFile(join(dir, 'text_only', 'subject.hbs'), 'Hi');
    await writeFile(join(dir, 'text_only', 'text.hbs'), 'Plain');
    await mkdir(join(dir, 'no_subject'));
    await writeFile(join(dir, 'no_subject', 'html.hbs'), '<p>x</p>');
    await mkdir(join(dir, 'no_body'));
    await writeFile(join(dir, 'no_body', 'subject.hbs'), 'Hi');
    // A template outside the directory, which a traversal would reach.
    await mkdir(join(root, 'secret'));
    await writeFile(join(root, 'secret', 'subject.hbs'), 'secret');
    await writeFile(join(root, 'secret', 'text.hbs'), 'secret');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads subject, html and text, trimming the subject file', async () => {
    const source = new DirectoryTemplateSource(dir);
    expect(await source.get('order_shipped')).toEqual({
      code: 'order_shipped',
      subject: 'Order {{order}} shipped',
      html: '<p>Order {{order}}</p>\n',
      text: 'Order {{order}}\n',
    });
  });

  it('accepts a template with a single body', async () => {
    expect(await new DirectoryTemplateSource(dir).get('text_only')).toEqual({
      code: 'text_only',
      subject: 'Hi',
      text: 'Plain',
    });
  });

  it('answers TEMPLATE_NOT_FOUND for an unknown code, permanently', async () => {
    const error = await rejection(new DirectoryTemplateSource(dir).get('nope'));
    expect(error.code).toBe('TEMPLATE_NOT_FOUND');
    expect(error.retryable).toBe(false);
  });

  it('answers TEMPLATE_INVALID for a folder without subject or without body', async () => {
    const source = new DirectoryTemplateSource(dir);
    expect((await rejection(source.get('no_subject'))).message).toContain('subject.hbs');
    expect((await rejection(source.get('no_body'))).code).toBe('TEMPLATE_INVALID');
  });

  it('names the template, never the folder it looked in (the message reaches clients)', async () => {
    const missing = await rejection(new DirectoryTemplateSource(dir).get('no_such_template'));
    expect(missing.code).toBe('TEMPLATE_NOT_FOUND');
    expect(missing.message).toBe('Template "no_such_template" does not exist');
    expect(missing.message).not.toContain(dir);
  });

  it('never leaves the directory: traversal attempts are TEMPLATE_NOT_FOUND', async () => {
    const source = new DirectoryTemplateSource(dir);
    for (const code of ['../secret', '..', 'a/../../secret', '/etc', 'order_shipped/', '', 'Order_Shipped']) {
      expect((await rejection(source.get(code))).code).toBe('TEMPLATE_NOT_FOUND');
    }
    // the same files are readable as a legitimate code from their parent
    expect((await new DirectoryTemplateSource(root).get('secret')).text).toBe('secret');
  });

  it('caches what it read, unless told not to', async () => {
    await mkdir(join(dir, 'changing'));
    await writeFile(join(dir, 'changing', 'subject.hbs'), 'v1');
    await writeFile(join(dir, 'changing', 'text.hbs'), 'body');
    const cached = new DirectoryTemplateSource(dir);
    const uncached = new DirectoryTemplateSource(dir, { cache: false });
    expect((await cached.get('changing')).subject).toBe('v1');
    await writeFile(join(dir, 'changing', 'subject.hbs'), 'v2');
    expect((await cached.get('changing')).subject).toBe('v1');
    expect((await uncached.get('changing')).subject).toBe('v2');
  });

  it('does not remember a miss: a template added later is found', async () => {
    const source = new DirectoryTemplateSource(dir);
    expect((await rejection(source.get('added_later'))).code).toBe('TEMPLATE_NOT_FOUND');
    await mkdir(join(dir, 'added_later'));
    await writeFile(join(dir, 'added_later', 'subject.hbs'), 'late');
    await writeFile(join(dir, 'added_later', 'text.hbs'), 'body');
    expect((await source.get('added_later')).subject).toBe('late');
  });

  it('answers TEMPLATE_SOURCE_UNAVAILABLE (transient) when a part is unreadable for another reason', async () => {
    // A directory where a file should be: reading it fails with EISDIR, which is not "missing".
    await mkdir(join(dir, 'odd', 'text.hbs'), { recursive: true });
    await writeFile(join(dir, 'odd', 'subject.hbs'), 'x');
    const error = await rejection(new DirectoryTemplateSource(dir).get('odd'));
    expect(error.code).toBe('TEMPLATE_SOURCE_UNAVAILABLE');
    expect(error.retryable).toBe(true);
  });

  it('rejects an empty directory option with CONFIG_INVALID', () => {
    expect(() => new DirectoryTemplateSource('')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});

describe('the shipped templates', () => {
  const seedVariables = {
    name: 'John Doe',
    email: 'john@example.com',
    link: 'https://example.com/verify?token=a&b=c',
    subject: 'Welcome to Our Platform',
  };
  const source = new DirectoryTemplateSource(defaultTemplatesDir());
  const renderer = new TemplateRenderer();

  it('live in packages/core/templates', () => {
    expect(defaultTemplatesDir()).toBe(join(import.meta.dirname, '..', 'templates'));
  });

  it('welcome_email renders with the seed variables, the subject overridden', async () => {
    const rendered = renderer.render(await source.get('welcome_email'), seedVariables);
    expect(rendered.subject).toBe('Welcome to Our Platform');
    expect(rendered.html).toContain('Welcome, John Doe!');
    expect(rendered.html).toContain('href="https://example.com/verify?token&#x3D;a&amp;b&#x3D;c"');
    expect(rendered.html).toContain('john@example.com');
    expect(rendered.text).toContain('https://example.com/verify?token=a&b=c');
    expect(rendered.text).toContain('Welcome, John Doe!');
  });

  it('welcome_email has a subject of its own', async () => {
    const { subject: _, ...variables } = seedVariables;
    expect(renderer.render(await source.get('welcome_email'), variables).subject).toBe('Welcome, John Doe!');
  });

  it('password_reset renders with the seed variables', async () => {
    const { subject: _, ...variables } = seedVariables;
    const rendered = renderer.render(await source.get('password_reset'), variables);
    expect(rendered.subject).toBe('Reset your password');
    expect(rendered.html).toContain('Hi John Doe,');
    expect(rendered.text).toContain('https://example.com/verify?token=a&b=c');
  });

  it('generic renders its body as text, escaped in HTML', async () => {
    const rendered = renderer.render(await source.get('generic'), {
      email: 'a@example.com',
      subject: 'Note',
      body: 'Line 1\n<script>x</script>',
    });
    expect(rendered).toMatchObject({ subject: 'Note', text: 'Line 1\n<script>x</script>\n' });
    expect(rendered.html).toContain('Line 1\n&lt;script&gt;x&lt;/script&gt;');
  });

  it('fail with TEMPLATE_VARIABLE_MISSING when a variable they use is not sent', async () => {
    const template = await source.get('welcome_email');
    expect(() => renderer.render(template, { email: 'john@example.com', link: 'l' })).toThrow(
      expect.objectContaining({
        code: 'TEMPLATE_VARIABLE_MISSING',
        message: expect.stringContaining('"name"'),
      }),
    );
    expect(() => renderer.render(template, { email: 'john@example.com', name: 'n' })).toThrow(/"link"/);
  });
});
