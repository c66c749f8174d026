import {
  assertTransition,
  canTransition,
  FINAL_STATUSES,
  isFinalStatus,
  NOTIFICATION_STATUSES,
  type NotificationStatus,
  NotifyError,
} from '@notify/email-core';
import { describe, expect, it } from 'vitest';

const LEGAL: Array<[NotificationStatus, NotificationStatus]> = [
  ['queued', 'processing'],
  ['retrying', 'processing'],
  ['processing', 'processing'],
  ['processing', 'delivered'],
  ['processing', 'retrying'],
  ['processing', 'failed'],
  ['processing', 'queued'],
  ['failed', 'queued'],
];
const isLegal = (from: NotificationStatus, to: NotificationStatus) =>
  LEGAL.some(([f, t]) => f === from && t === to);

const ALL_PAIRS = NOTIFICATION_STATUSES.flatMap((from) =>
  NOTIFICATION_STATUSES.map((to) => [from, to] as const),
);
const ILLEGAL = ALL_PAIRS.filter(([from, to]) => !isLegal(from, to));

describe('status machine', () => {
  it.each(LEGAL)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each(ILLEGAL)('refuses %s → %s with ILLEGAL_TRANSITION', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    let thrown: unknown;
    try {
      assertTransition(from, to);
    } catch (error) {
      thrown = error;
    }
    expect(NotifyError.is(thrown)).toBe(true);
    expect((thrown as NotifyError).code).toBe('ILLEGAL_TRANSITION');
    expect((thrown as NotifyError).message).toContain(`'${from}' to '${to}'`);
  });

  it('covers every pair exactly once', () => {
    expect(LEGAL.length + ILLEGAL.length).toBe(NOTIFICATION_STATUSES.length ** 2);
    expect(ILLEGAL.length).toBe(17);
  });

  it('delivered is terminal; failed only moves on by replay', () => {
    expect(FINAL_STATUSES).toEqual(['delivered', 'failed']);
    expect(isFinalStatus('delivered')).toBe(true);
    expect(isFinalStatus('failed')).toBe(true);
    expect(isFinalStatus('retrying')).toBe(false);
    expect(NOTIFICATION_STATUSES.filter((to) => canTransition('delivered', to))).toEqual([]);
    expect(NOTIFICATION_STATUSES.filter((to) => canTransition('failed', to))).toEqual(['queued']);
  });
});
