import { NotifyError, parseListQuery } from '@notify/email-core';
import { describe, expect, it } from 'vitest';

function detailsOf(query: Record<string, unknown>): Record<string, string> {
  try {
    parseListQuery(query);
  } catch (error) {
    expect(NotifyError.is(error)).toBe(true);
    const notifyError = error as NotifyError;
    expect(notifyError.code).toBe('VALIDATION_FAILED');
    return Object.fromEntries((notifyError.details ?? []).map((d) => [d.path, d.message]));
  }
  throw new Error('expected parseListQuery to throw');
}

describe('parseListQuery', () => {
  it('defaults to limit 20, page 1, no filters', () => {
    expect(parseListQuery({})).toEqual({ limit: 20, page: 1 });
  });

  it('reads every filter', () => {
    expect(
      parseListQuery({
        user_id: '550e8400-e29b-41d4-a716-446655440000',
        status: 'delivered',
        template_code: 'welcome_email',
        limit: '50',
        page: '3',
      }),
    ).toEqual({
      userId: '550e8400-e29b-41d4-a716-446655440000',
      statuses: ['delivered'],
      templateCode: 'welcome_email',
      limit: 50,
      page: 3,
    });
  });

  it('accepts every status, and pending as queued or retrying', () => {
    for (const status of ['queued', 'processing', 'retrying', 'delivered', 'failed']) {
      expect(parseListQuery({ status }).statuses).toEqual([status]);
    }
    expect(parseListQuery({ status: 'pending' }).statuses).toEqual(['queued', 'retrying']);
  });

  it('accepts several statuses separated by commas, without duplicates', () => {
    expect(parseListQuery({ status: 'pending,queued,failed' }).statuses).toEqual([
      'queued',
      'retrying',
      'failed',
    ]);
  });

  it('treats empty values as absent', () => {
    expect(parseListQuery({ user_id: '', status: '', template_code: '', limit: '', page: '' })).toEqual({
      limit: 20,
      page: 1,
    });
  });

  it('accepts the limit and page boundaries', () => {
    expect(parseListQuery({ limit: '1', page: '1' })).toEqual({ limit: 1, page: 1 });
    expect(parseListQuery({ limit: '100', page: '1000000' })).toEqual({ limit: 100, page: 1_000_000 });
  });

  const bad: Array<[string, unknown]> = [
    ['limit', '0'],
    ['limit', '101'],
    ['limit', '-5'],
    ['limit', 'ten'],
    ['limit', '2.5'],
    ['limit', '1e2'],
    ['limit', '0x10'],
    ['limit', ' 5'],
    ['page', '0'],
    ['page', '-1'],
    ['page', 'last'],
    ['page', '99999999999999999999'],
    ['page', '1000001'],
    ['status', 'sent'],
    ['status', 'DELIVERED'],
    ['status', 'delivered,'],
    ['user_id', 'u'.repeat(129)],
    ['user_id', '   '],
    ['template_code', '../x'],
    ['template_code', 'Welcome'],
  ];
  for (const [name, value] of bad) {
    it(`rejects ${name}=${String(value).slice(0, 30)} with a detail at ${name}`, () => {
      const details = detailsOf({ [name]: value });
      expect(Object.keys(details)).toEqual([name]);
      expect(details[name]?.startsWith(name)).toBe(true);
    });
  }

  it('rejects a repeated parameter (an array)', () => {
    expect(detailsOf({ status: ['queued', 'failed'] })).toEqual({ status: 'status must be given once' });
    expect(detailsOf({ limit: ['1', '2'] })).toEqual({ limit: 'limit must be given once' });
  });

  it('reports every bad parameter at once, in a stable order', () => {
    expect(Object.keys(detailsOf({ page: '0', limit: '500', status: 'nope', user_id: ['a', 'b'] }))).toEqual([
      'user_id',
      'status',
      'limit',
      'page',
    ]);
  });

  it('turns a query that cannot be read into VALIDATION_FAILED, never another error', () => {
    const query = {
      get limit(): string {
        throw new TypeError('boom');
      },
    };
    expect(() => parseListQuery(query)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('names the allowed statuses in its message', () => {
    expect(detailsOf({ status: 'sent' }).status).toMatch(/queued.*pending/);
  });
});
