import { NotifyError, parseAcceptBody } from '@notify/email-core';
import { describe, expect, it } from 'vitest';
import { SEED_REQUEST } from '../../../test-support/seed-request.js';

/** The seed README's example body, a fresh copy each time (cases change it). */
function validBody(): Record<string, unknown> {
  return structuredClone(SEED_REQUEST);
}

function failure(body: unknown, key?: string): NotifyError {
  try {
    parseAcceptBody(body, key);
  } catch (error) {
    expect(NotifyError.is(error)).toBe(true);
    return error as NotifyError;
  }
  throw new Error('expected parseAcceptBody to throw');
}

/** The details of a VALIDATION_FAILED, as `{ path: message }`. */
function detailsOf(body: unknown, key?: string): Record<string, string> {
  const error = failure(body, key);
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.kind).toBe('invalid_input');
  return Object.fromEntries((error.details ?? []).map((d) => [d.path, d.message]));
}

function withField(path: string, value: unknown): Record<string, unknown> {
  const body = validBody();
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) {
    if (value === undefined) delete body[head];
    else body[head] = value;
  } else {
    const inner = { ...(body[head] as Record<string, unknown>) };
    if (value === undefined) delete inner[tail];
    else inner[tail] = value;
    body[head] = inner;
  }
  return body;
}

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { level: value };
  return value;
}

describe('parseAcceptBody: a valid body', () => {
  it('accepts the seed example and returns it unchanged', () => {
    expect(parseAcceptBody(validBody())).toEqual(validBody());
  });

  it('applies the defaults priority 10 and metadata {}', () => {
    const body = withField('metadata', undefined);
    delete body.priority;
    const payload = parseAcceptBody(body);
    expect(payload.priority).toBe(10);
    expect(payload.metadata).toEqual({});
  });

  it('treats null priority and metadata as not given', () => {
    const payload = parseAcceptBody({ ...validBody(), priority: null, metadata: null });
    expect(payload.priority).toBe(10);
    expect(payload.metadata).toEqual({});
  });

  it('keeps extra variables and metadata as sent', () => {
    const body = withField('metadata', { campaign_id: 'campaign-123', tags: ['a', 'b'] });
    const payload = parseAcceptBody(body);
    expect(payload.variables.link).toBe('https://example.com/verify');
    expect(payload.metadata).toEqual({ campaign_id: 'campaign-123', tags: ['a', 'b'] });
  });

  it('ignores (strips) unknown top-level fields', () => {
    const payload = parseAcceptBody({ ...validBody(), channel: 'gateway', extra: { a: 1 } });
    expect(payload).not.toHaveProperty('channel');
    expect(payload).not.toHaveProperty('extra');
  });

  it('accepts the boundaries: priority 1 and 100, user_id of 128, request_id of 255, template_code of 128', () => {
    expect(parseAcceptBody(withField('priority', 1)).priority).toBe(1);
    expect(parseAcceptBody(withField('priority', 100)).priority).toBe(100);
    expect(parseAcceptBody(withField('user_id', 'u'.repeat(128))).user_id).toHaveLength(128);
    expect(parseAcceptBody(withField('request_id', 'r'.repeat(255))).request_id).toHaveLength(255);
    expect(parseAcceptBody(withField('template_code', `a${'b'.repeat(127)}`)).template_code).toHaveLength(
      128,
    );
    expect(parseAcceptBody(withField('template_code', '0.a_b-c')).template_code).toBe('0.a_b-c');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(parseAcceptBody(withField('user_id', '😀'.repeat(128))).user_id).toBe('😀'.repeat(128));
  });

  it('accepts variables and metadata nested exactly 32 levels', () => {
    const variables = { email: 'john@example.com', deep: nested(31) };
    expect(() => parseAcceptBody({ ...validBody(), variables, metadata: nested(32) })).not.toThrow();
  });

  it('accepts metadata of exactly 16 KiB as JSON', () => {
    const filler = 'x'.repeat(16 * 1024 - '{"a":""}'.length);
    expect(() => parseAcceptBody(withField('metadata', { a: filler }))).not.toThrow();
  });

  it('accepts a subject with a tab and without a subject', () => {
    expect(parseAcceptBody(withField('variables.subject', 'Hello\tthere')).variables.subject).toBe(
      'Hello\tthere',
    );
    expect(parseAcceptBody(withField('variables.subject', undefined)).variables).not.toHaveProperty(
      'subject',
    );
  });
});

describe('parseAcceptBody: notification_type', () => {
  it('answers UNSUPPORTED_NOTIFICATION_TYPE (422) for another type', () => {
    const error = failure(withField('notification_type', 'sms'));
    expect(error.code).toBe('UNSUPPORTED_NOTIFICATION_TYPE');
    expect(error.kind).toBe('invalid_input');
    expect(error.details?.[0]?.path).toBe('notification_type');
    expect(error.message).toContain('sms');
  });

  it('answers UNSUPPORTED_NOTIFICATION_TYPE before looking at the other fields', () => {
    expect(failure({ notification_type: 'push', user_id: '' }).code).toBe('UNSUPPORTED_NOTIFICATION_TYPE');
  });

  it('answers VALIDATION_FAILED when it is missing or not a string', () => {
    expect(detailsOf(withField('notification_type', undefined))).toEqual({
      notification_type: 'notification_type is required',
    });
    expect(Object.keys(detailsOf(withField('notification_type', 7)))).toEqual(['notification_type']);
  });
});

describe('parseAcceptBody: one detail per bad field', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['user_id', undefined, /required/],
    ['user_id', '', /empty/],
    ['user_id', '   ', /empty/],
    ['user_id', 'u'.repeat(129), /at most 128/],
    ['user_id', 42, /string/],
    ['template_code', undefined, /required/],
    ['template_code', 'Welcome', /lower-case/],
    ['template_code', '_welcome', /lower-case/],
    ['template_code', '../etc/passwd', /lower-case/],
    ['template_code', 'a/b', /lower-case/],
    ['template_code', `a${'b'.repeat(128)}`, /lower-case/],
    ['variables', undefined, /required/],
    ['variables', 'john@example.com', /object/],
    ['variables', ['john@example.com'], /object/],
    ['variables.email', undefined, /required/],
    ['variables.email', 'not-an-address', /valid email/],
    ['variables.email', 'John <john@example.com>', /valid email/],
    ['variables.email', 'john@example.com\r\nBcc: victim@example.com', /line breaks/],
    ['variables.email', `${'a'.repeat(65)}@example.com`, /before the "@"/],
    ['variables.email', `a@${'b'.repeat(250)}.com`, /at most 254/],
    ['variables.email', 5, /string/],
    ['variables.subject', 'Hi\r\nBcc: victim@example.com', /line breaks/],
    ['variables.subject', 'Hi\nthere', /line breaks/],
    ['variables.subject', 'Hi\u0007', /control/],
    ['variables.subject', '   ', /empty/],
    ['variables.subject', 'x'.repeat(999), /at most 998/],
    ['variables.subject', 3, /string/],
    ['request_id', '', /empty/],
    ['request_id', 'has space', /whitespace/],
    ['request_id', 'tab\there', /whitespace/],
    ['request_id', 'nul\u0000', /control/],
    ['request_id', 'r'.repeat(256), /at most 255/],
    ['request_id', 12345, /string/],
    ['priority', 0, /1 to 100/],
    ['priority', 101, /1 to 100/],
    ['priority', 5.5, /1 to 100/],
    ['priority', '10', /1 to 100/],
    ['metadata', 'campaign', /object/],
    ['metadata', [1, 2], /object/],
  ];

  for (const [path, value, message] of cases) {
    it(`rejects ${path} = ${JSON.stringify(value)?.slice(0, 40) ?? 'missing'}`, () => {
      const details = detailsOf(withField(path, value));
      expect(Object.keys(details)).toEqual([path]);
      expect(details[path]).toMatch(message);
      expect(details[path]?.startsWith(path)).toBe(true);
    });
  }

  it('rejects variables nested deeper than 32 levels, at variables', () => {
    const details = detailsOf(withField('variables', { email: 'john@example.com', deep: nested(32) }));
    expect(details).toEqual({ variables: 'variables must not nest deeper than 32 levels' });
  });

  it('rejects metadata nested deeper than 32 levels, at metadata', () => {
    expect(detailsOf(withField('metadata', nested(33)))).toEqual({
      metadata: 'metadata must not nest deeper than 32 levels',
    });
  });

  it('survives absurd nesting without exhausting the stack', () => {
    expect(Object.keys(detailsOf(withField('metadata', nested(100_000))))).toEqual(['metadata']);
  });

  it('rejects metadata over 16 KiB as JSON, counting bytes', () => {
    const details = detailsOf(withField('metadata', { a: 'é'.repeat(8200) }));
    expect(details.metadata).toMatch(/16 KiB/);
  });

  it('reports every bad field at once, in field order, one entry each', () => {
    const error = failure({
      notification_type: 'email',
      user_id: '',
      template_code: 'Bad Code',
      variables: { email: 'nope' },
      request_id: 'two words',
      priority: 1000,
      metadata: 'x',
    });
    expect(error.details?.map((d) => d.path)).toEqual([
      'user_id',
      'template_code',
      'variables.email',
      'request_id',
      'priority',
      'metadata',
    ]);
    expect(error.message).toContain('6 fields are invalid');
  });

  it('reports two problems of one field once', () => {
    // too long AND blank-looking: only the first problem is listed
    const error = failure(withField('user_id', ' '.repeat(200)));
    expect(error.details).toHaveLength(1);
  });
});

describe('parseAcceptBody: the body itself', () => {
  for (const body of [null, undefined, 'text', 42, [validBody()], true]) {
    it(`rejects ${JSON.stringify(body)?.slice(0, 20)} with VALIDATION_FAILED`, () => {
      const error = failure(body);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toMatch(/JSON object/);
    });
  }

  it('turns a throwing getter into VALIDATION_FAILED, never another error', () => {
    const body = validBody();
    Object.defineProperty(body, 'user_id', {
      enumerable: true,
      get() {
        throw new TypeError('boom');
      },
    });
    expect(failure(body).code).toBe('VALIDATION_FAILED');
  });

  it('refuses a __proto__ key at its path (any copy would drop it), polluting nothing', () => {
    const body = JSON.parse(
      '{"notification_type":"email","user_id":"u","template_code":"t","request_id":"r",' +
        '"variables":{"email":"a@example.com","__proto__":{"polluted":true}},"metadata":{"a":{"__proto__":{"polluted":true}}}}',
    );
    expect(detailsOf(body)).toEqual({
      'variables.__proto__': 'variables.__proto__ is a reserved key name',
      'metadata.a.__proto__': 'metadata.a.__proto__ is a reserved key name',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses what the store cannot keep as sent: NUL, unpaired surrogates, numbers past Infinity', () => {
    const body = JSON.parse(
      '{"notification_type":"email","user_id":"u","template_code":"t","request_id":"r",' +
        '"variables":{"email":"a@example.com","name":"An\\u0000n","list":["ok","\\ud800"],"k\\u0000":1},' +
        '"metadata":{"huge":1e309,"small":-1e309,"fine":1.5}}',
    );
    expect(detailsOf(body)).toEqual({
      'variables.name': 'variables.name must not contain a NUL character (\\u0000)',
      'variables.list.1':
        'variables.list.1 must not contain an unpaired surrogate (it is not valid Unicode text)',
      'variables.k\\u0000': 'variables.k\\u0000: its key must not contain a NUL character (\\u0000)',
      'metadata.huge': 'metadata.huge must be a finite number',
      'metadata.small': 'metadata.small must be a finite number',
    });
  });

  it('refuses a variable whose object could not be rendered as text (a toString or valueOf key)', () => {
    const body = withField('variables.name', { toString: 'x' });
    expect(detailsOf(body)).toEqual({
      'variables.name.toString':
        'variables.name.toString is a reserved key name: a value holding it cannot be rendered as text',
    });
    // In metadata, which is never rendered, the same key is just data.
    expect(parseAcceptBody(withField('metadata', { toString: 'x' })).metadata).toEqual({ toString: 'x' });
  });
});

describe('parseAcceptBody: the Idempotency-Key header', () => {
  it('takes request_id from the header when the body has none', () => {
    const body = withField('request_id', undefined);
    expect(parseAcceptBody(body, 'key-from-header').request_id).toBe('key-from-header');
  });

  it('accepts both when they are equal', () => {
    expect(parseAcceptBody(validBody(), 'req-12345-67890').request_id).toBe('req-12345-67890');
  });

  it('rejects both when they differ, at request_id', () => {
    expect(detailsOf(validBody(), 'another-key')).toEqual({
      request_id: expect.stringMatching(/differs from the Idempotency-Key header/),
    });
  });

  it('rejects neither, at request_id', () => {
    expect(detailsOf(withField('request_id', undefined))).toEqual({
      request_id: expect.stringMatching(/required/),
    });
    expect(detailsOf(withField('request_id', null))).toEqual({
      request_id: expect.stringMatching(/required/),
    });
  });

  it('treats an empty header as absent', () => {
    expect(parseAcceptBody(validBody(), '').request_id).toBe('req-12345-67890');
    expect(Object.keys(detailsOf(withField('request_id', undefined), ''))).toEqual(['request_id']);
  });

  it('applies the request_id rules to the header too', () => {
    const body = withField('request_id', undefined);
    expect(detailsOf(body, 'has space').request_id).toMatch(/Idempotency-Key.*whitespace/);
    expect(detailsOf(body, 'k'.repeat(256)).request_id).toMatch(/at most 255/);
  });

  it('reports the header conflict alongside other bad fields', () => {
    const details = detailsOf(withField('priority', 0), 'other');
    expect(Object.keys(details)).toEqual(['request_id', 'priority']);
  });
});
