import assert from 'node:assert/strict';
import type { Template, TemplateSource } from '../ports/template-source.js';
import {
  type BaseHarness,
  type ContractIt,
  caseNeeding,
  type Lacks,
  rejectsWithNotifyError,
  withHarness,
} from './contract-runner.js';

/** What `makeSource(templates)` returns: a source serving exactly `templates` (files, a server, ...). */
export interface TemplateSourceHarness extends BaseHarness<TemplateSource> {
  /**
   * Makes the source unable to answer (the template service down or answering 5xx), so `get`
   * rejects with a retryable TEMPLATE_SOURCE_UNAVAILABLE. Required unless `lacks.outage` is declared.
   */
  makeUnavailable?(): Promise<void>;
}

export interface TemplateSourceContractOptions {
  lacks?: Lacks<'outage'>;
}

const T = 'TemplateSource:';

/** The templates every case serves. Codes follow the API's `^[a-z0-9][a-z0-9_.-]{0,127}$`. */
export const CONTRACT_TEMPLATES: Template[] = [
  {
    code: 'welcome',
    subject: 'Welcome, {{name}}!',
    html: '<h1>Hello {{name}}</h1>\n<p>Thanks for joining.</p>',
    text: 'Hello {{name}}\nThanks for joining.',
  },
  {
    code: 'password-reset.v2',
    subject: 'Reset your password',
    text: 'Use {{link}} within {{minutes}} minutes.',
  },
  { code: 'receipt_html', subject: 'Your receipt {{number}}', html: '<p>Total: {{total}}</p>' },
];

/** The behaviour every TemplateSource must show; see TemplateSourceHarness. */
export function templateSourceContract(
  it: ContractIt,
  makeSource: (templates: Template[]) => Promise<TemplateSourceHarness>,
  options: TemplateSourceContractOptions = {},
): void {
  const lacks = options.lacks ?? {};
  const run = (body: (source: TemplateSource, harness: TemplateSourceHarness) => Promise<void>) => () =>
    withHarness(
      () => makeSource(structuredClone(CONTRACT_TEMPLATES)),
      (harness) => body(harness.subject, harness),
    );

  it(
    `${T} get returns each template's subject and bodies verbatim`,
    run(async (source) => {
      for (const expected of CONTRACT_TEMPLATES) {
        const got = await source.get(expected.code);
        assert.equal(got.code, expected.code);
        assert.equal(got.subject, expected.subject);
        assert.equal(got.html, expected.html, `${expected.code}: html`);
        assert.equal(got.text, expected.text, `${expected.code}: text`);
      }
    }),
  );

  it(
    `${T} an unknown code is a permanent TEMPLATE_NOT_FOUND`,
    run(async (source) => {
      const error = await rejectsWithNotifyError(source.get('no-such-template'), 'TEMPLATE_NOT_FOUND', 'get');
      assert.equal(error.retryable, false);
    }),
  );

  it(
    `${T} a code that is a path or otherwise malformed is TEMPLATE_NOT_FOUND, never something else`,
    run(async (source) => {
      for (const code of [
        '../welcome',
        'welcome/../welcome',
        '/etc/passwd',
        '',
        'WELCOME',
        'welcome%2F..',
        '.',
      ]) {
        const error = await rejectsWithNotifyError(
          source.get(code),
          'TEMPLATE_NOT_FOUND',
          `get(${JSON.stringify(code)})`,
        );
        assert.equal(error.retryable, false);
      }
    }),
  );

  it(
    `${T} changing a returned template does not change what the next get returns`,
    run(async (source) => {
      const first = await source.get('welcome');
      first.subject = 'tampered';
      const second = await source.get('welcome');
      assert.equal(second.subject, CONTRACT_TEMPLATES[0]!.subject);
    }),
  );

  caseNeeding(
    it,
    lacks,
    'outage',
    `${T} a source that cannot answer is a retryable TEMPLATE_SOURCE_UNAVAILABLE`,
    run(async (source, harness) => {
      assert.ok(
        harness.makeUnavailable,
        'harness.makeUnavailable is required unless lacks.outage is declared',
      );
      await harness.makeUnavailable();
      const error = await rejectsWithNotifyError(source.get('welcome'), 'TEMPLATE_SOURCE_UNAVAILABLE', 'get');
      assert.equal(error.retryable, true);
    }),
  );
}
