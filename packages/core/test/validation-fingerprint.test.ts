import { canonicalJson, parseAcceptBody, payloadFingerprint } from '@notify/email-core';
import { describe, expect, it } from 'vitest';

const body = {
  notification_type: 'email',
  user_id: 'user-1',
  template_code: 'welcome_email',
  variables: { name: 'John', email: 'john@example.com', link: 'https://example.com/verify' },
  request_id: 'req-1',
  priority: 10,
  metadata: { campaign: { id: 'c-1', tags: ['a', 'b'] } },
};

const fingerprint = (input: unknown, key?: string) => payloadFingerprint(parseAcceptBody(input, key));

describe('payloadFingerprint', () => {
  it('is a sha256 hex digest, stable across calls', () => {
    expect(fingerprint(body)).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint(body)).toBe(fingerprint(structuredClone(body)));
  });

  it('ignores key order at every depth', () => {
    const reordered = {
      metadata: { campaign: { tags: ['a', 'b'], id: 'c-1' } },
      priority: 10,
      request_id: 'req-1',
      variables: { link: 'https://example.com/verify', email: 'john@example.com', name: 'John' },
      template_code: 'welcome_email',
      user_id: 'user-1',
      notification_type: 'email',
    };
    expect(fingerprint(reordered)).toBe(fingerprint(body));
  });

  it('does not care whether the key came from the header or the body', () => {
    const { request_id: _, ...withoutKey } = body;
    expect(fingerprint(withoutKey, 'req-1')).toBe(fingerprint(body));
    expect(fingerprint(body, 'req-1')).toBe(fingerprint(body));
  });

  it('compares after defaults: omitted priority and metadata equal the defaults', () => {
    const { priority: _p, metadata: _m, ...bare } = body;
    expect(fingerprint(bare)).toBe(fingerprint({ ...bare, priority: 10, metadata: {} }));
  });

  it('ignores unknown top-level fields, which are not stored', () => {
    expect(fingerprint({ ...body, channel: 'x' })).toBe(fingerprint(body));
  });

  it('changes with any value, including deep ones and array order', () => {
    const base = fingerprint(body);
    expect(fingerprint({ ...body, priority: 11 })).not.toBe(base);
    expect(fingerprint({ ...body, variables: { ...body.variables, name: 'Jane' } })).not.toBe(base);
    expect(fingerprint({ ...body, metadata: { campaign: { id: 'c-1', tags: ['b', 'a'] } } })).not.toBe(base);
    expect(fingerprint({ ...body, request_id: 'req-2' })).not.toBe(base);
  });

  it('tells a string from a number and null from absent', () => {
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });
});
