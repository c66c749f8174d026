import type { Clock } from '../../ports/clock.js';

/**
 * A clock that only moves when told to, so tests about leases, backoff and token refill are exact
 * instead of racing the wall clock.
 */
export class ManualClock implements Clock {
  private current: number;

  /** Starts at `start` (default: 2030-01-01T00:00:00Z, far from any real "now"). */
  constructor(start: Date | number | string = '2030-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
    if (Number.isNaN(this.current)) throw new RangeError(`ManualClock: invalid start ${String(start)}`);
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves time forward; a negative step is refused because no backend's clock goes back. */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`ManualClock.advance: ms must be >= 0, got ${ms}`);
    this.current += ms;
    return this.now();
  }

  set(date: Date | number | string): Date {
    const next = new Date(date).getTime();
    if (Number.isNaN(next)) throw new RangeError(`ManualClock.set: invalid date ${String(date)}`);
    this.current = next;
    return this.now();
  }
}
