import { NotifyError, type Template, TemplateRenderer } from '@notify/email-core';
import { describe, expect, it } from 'vitest';

const template: Template = {
  code: 'greeting',
  subject: 'Hello {{name}}',
  html: '<p>Hello {{name}}, <a href="{{link}}">go</a></p>',
  text: 'Hello {{name}}, go to {{link}}',
};

function failure(fn: () => unknown): NotifyError {
  try {
    fn();
  } catch (error) {
    expect(NotifyError.is(error)).toBe(true);
    return error as NotifyError;
  }
  throw new Error('expected a NotifyError');
}

describe('TemplateRenderer', () => {
  const renderer = new TemplateRenderer();

  it('renders subject, html and text', () => {
    expect(renderer.render(template, { name: 'Ann', link: 'https://example.com/a' })).toEqual({
      subject: 'Hello Ann',
      html: '<p>Hello Ann, <a href="https://example.com/a">go</a></p>',
      text: 'Hello Ann, go to https://example.com/a',
    });
  });

  it('escapes HTML in the html part only', () => {
    const rendered = renderer.render(template, {
      name: '<b>Tom & "Jerry"</b>',
      link: 'https://x.test/?a=1&b=2',
    });
    expect(rendered.html).toBe(
      '<p>Hello &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;, <a href="https://x.test/?a&#x3D;1&amp;b&#x3D;2">go</a></p>',
    );
    expect(rendered.subject).toBe('Hello <b>Tom & "Jerry"</b>');
    expect(rendered.text).toBe('Hello <b>Tom & "Jerry"</b>, go to https://x.test/?a=1&b=2');
  });

  it('fails permanently with TEMPLATE_VARIABLE_MISSING naming the variable', () => {
    const error = failure(() => renderer.render(template, { name: 'Ann' }));
    expect(error.code).toBe('TEMPLATE_VARIABLE_MISSING');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('"link"');
    expect(error.message).toContain('greeting');
    expect(error.details).toEqual([{ path: 'variables.link', message: expect.stringContaining('link') }]);
  });

  it('names a missing nested variable, and one walked into through a string', () => {
    const nested: Template = { code: 'nested', subject: 'x', text: '{{user.name}}' };
    expect(failure(() => renderer.render(nested, {})).message).toContain('"user.name"');
    expect(failure(() => renderer.render(nested, { user: {} })).details?.[0]?.path).toBe(
      'variables.user.name',
    );
    expect(failure(() => renderer.render(nested, { user: 'Ann' })).code).toBe('TEMPLATE_VARIABLE_MISSING');
    expect(renderer.render(nested, { user: { name: 'Ann' } }).text).toBe('Ann');
  });

  it('keeps a variable tested with #if optional', () => {
    const optional: Template = { code: 'opt', subject: 'x', text: 'Hi{{#if name}} {{name}}{{/if}}!' };
    expect(renderer.render(optional, {}).text).toBe('Hi!');
    expect(renderer.render(optional, { name: 'Ann' }).text).toBe('Hi Ann!');
  });

  it('lets variables.subject override the template subject, literally', () => {
    const rendered = renderer.render(template, { name: 'Ann', link: 'l', subject: 'Your {{name}} & co' });
    expect(rendered.subject).toBe('Your {{name}} & co');
  });

  it('does not need the template subject variables when the subject is overridden', () => {
    const t: Template = { code: 's', subject: 'For {{who}}', text: 'body' };
    expect(renderer.render(t, { subject: 'Plain' }).subject).toBe('Plain');
    expect(failure(() => renderer.render(t, {})).code).toBe('TEMPLATE_VARIABLE_MISSING');
  });

  it('ignores an empty or non-string subject override', () => {
    expect(renderer.render(template, { name: 'Ann', link: 'l', subject: '  ' }).subject).toBe('Hello Ann');
    expect(renderer.render(template, { name: 'Ann', link: 'l', subject: null }).subject).toBe('Hello Ann');
  });

  it('collapses CR/LF in the rendered subject to spaces', () => {
    const rendered = renderer.render(template, { name: 'Ann\r\nBcc: victim@example.com', link: 'l' });
    expect(rendered.subject).toBe('Hello Ann Bcc: victim@example.com');
    expect(renderer.render(template, { name: 'A', link: 'l', subject: 'One\nTwo\r\n' }).subject).toBe(
      'One Two',
    );
  });

  it('answers TEMPLATE_INVALID for a syntax error, permanently', () => {
    const broken: Template = { code: 'broken', subject: 'ok', html: '<p>{{#if name}}unclosed</p>' };
    const error = failure(() => renderer.render(broken, { name: 'x' }));
    expect(error.code).toBe('TEMPLATE_INVALID');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('broken');
  });

  it('answers TEMPLATE_INVALID for an unknown partial and for a template without a body', () => {
    expect(failure(() => renderer.render({ code: 'p', subject: 's', text: '{{> footer}}' }, {})).code).toBe(
      'TEMPLATE_INVALID',
    );
    expect(failure(() => renderer.render({ code: 'empty', subject: 's' }, {})).code).toBe('TEMPLATE_INVALID');
  });

  it('renders a text-only or html-only template', () => {
    expect(renderer.render({ code: 't', subject: 's', text: 'just text' }, {})).toEqual({
      subject: 's',
      text: 'just text',
    });
    expect(renderer.render({ code: 'h', subject: 's', html: '<i>x</i>' }, {})).toEqual({
      subject: 's',
      html: '<i>x</i>',
    });
  });

  it('caches by content: the same source with another code compiles once, a changed source recompiles', () => {
    const a = renderer.render({ code: 'a', subject: 'S', text: 'v1 {{x}}' }, { x: 1 });
    const b = renderer.render({ code: 'b', subject: 'S', text: 'v1 {{x}}' }, { x: 2 });
    const c = renderer.render({ code: 'a', subject: 'S', text: 'v2 {{x}}' }, { x: 3 });
    expect([a.text, b.text, c.text]).toEqual(['v1 1', 'v1 2', 'v2 3']);
    // the same source escapes differently per part, so the cache must tell the parts apart
    const both = renderer.render({ code: 'x', subject: '{{v}}', html: '{{v}}', text: '{{v}}' }, { v: '<&>' });
    expect(both).toEqual({ subject: '<&>', html: '&lt;&amp;&gt;', text: '<&>' });
  });

  it('never exposes prototype properties to templates', () => {
    // With prototype access this would render "Object"; blocked, `constructor` is undefined.
    const t: Template = { code: 'proto', subject: 's', text: '{{constructor.name}}' };
    expect(failure(() => renderer.render(t, {})).code).toBe('TEMPLATE_VARIABLE_MISSING');
  });

  it('names the whole path of a missing variable inside a block', () => {
    const t: Template = { code: 'each', subject: 's', text: 'x\n{{#each items}}{{../owner.name}}{{/each}}' };
    const error = failure(() => renderer.render(t, { items: [1], owner: {} }));
    expect(error.message).toContain('"owner.name"');
  });

  it('is isolated from helpers registered on the global Handlebars', async () => {
    const { default: Handlebars } = await import('handlebars');
    Handlebars.registerHelper('shout', (s: string) => s.toUpperCase());
    try {
      const t: Template = { code: 'h', subject: 's', text: '{{shout name}}' };
      // Unknown to the isolated instance, so strict mode reports it as a missing value.
      expect(failure(() => renderer.render(t, { name: 'x' })).message).toContain('"shout"');
    } finally {
      Handlebars.unregisterHelper('shout');
    }
  });
});
