import { createHash } from 'node:crypto';
import { messageIdFor } from '@notify/email-core';
import { describe, expect, it } from 'vitest';

describe('messageIdFor', () => {
  it('is <first 32 hex of sha256(request_id)@domain>', () => {
    const hash = createHash('sha256').update('req-12345-67890').digest('hex').slice(0, 32);
    expect(messageIdFor('req-12345-67890', 'example.com')).toBe(`<${hash}@example.com>`);
  });

  it('is deterministic: same request_id, same id; another request_id, another id', () => {
    expect(messageIdFor('req-1', 'example.com')).toBe(messageIdFor('req-1', 'example.com'));
    expect(messageIdFor('req-1', 'example.com')).not.toBe(messageIdFor('req-2', 'example.com'));
  });

  it('sanitises the domain', () => {
    const local = messageIdFor('r', 'x').slice(1, 33);
    expect(messageIdFor('r', 'Example.COM')).toBe(`<${local}@example.com>`);
    expect(messageIdFor('r', 'Notify <noreply@mail.example.com>')).toBe(`<${local}@mail.example.com>`);
    expect(messageIdFor('r', 'bücher.example')).toBe(`<${local}@xn--bcher-kva.example>`);
    expect(messageIdFor('r', 'evil.com>\r\nBcc: x')).toMatch(/^<[0-9a-f]{32}@[a-z0-9.-]+>$/);
    expect(messageIdFor('r', '')).toBe(`<${local}@localhost>`);
    expect(messageIdFor('r', '...')).toBe(`<${local}@localhost>`);
  });
});
