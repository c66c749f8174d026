import { randomUUID } from 'node:crypto';
import { bounceAddress, bounceToken, taskIdOfBounceAddress } from '@notify/email-core';
import { describe, expect, it } from 'vitest';

const rules = { domain: 'bounce.example.test', secret: 'test-signing-secret' };

describe('VERP bounce addresses', () => {
  it('round-trips a task id, whatever case the MTA folds the address to', () => {
    const taskId = randomUUID();
    const address = bounceAddress(taskId, rules);
    expect(address).toMatch(/^bounces\+[0-9a-f]{32}-[0-9a-f]{20}@bounce\.example\.test$/);
    expect(address.split('@')[0]!.length).toBeLessThanOrEqual(64);
    expect(taskIdOfBounceAddress(address, rules)).toBe(taskId);
    expect(taskIdOfBounceAddress(`<${address.toUpperCase()}>`, rules)).toBe(taskId);
    expect(bounceAddress(taskId, { ...rules, localPart: 'rp' })).toMatch(/^rp\+/);
  });

  it('refuses a forged or damaged token, another secret, another domain, another local part', () => {
    const taskId = randomUUID();
    const token = bounceToken(taskId, rules.secret);
    const other = randomUUID().replaceAll('-', '');
    expect(
      taskIdOfBounceAddress(`bounces+${other}-${token.slice(33)}@bounce.example.test`, rules),
    ).toBeNull();
    const flipped = token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
    expect(taskIdOfBounceAddress(`bounces+${flipped}@bounce.example.test`, rules)).toBeNull();
    expect(taskIdOfBounceAddress(bounceAddress(taskId, rules), { ...rules, secret: 'another' })).toBeNull();
    expect(taskIdOfBounceAddress(bounceAddress(taskId, rules), { ...rules, domain: 'evil.test' })).toBeNull();
    expect(taskIdOfBounceAddress(`noreply+${token}@bounce.example.test`, rules)).toBeNull();
    expect(taskIdOfBounceAddress('bounces@bounce.example.test', rules)).toBeNull();
    expect(() => bounceToken('not-a-uuid', rules.secret)).toThrow(RangeError);
  });
});
