export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const ClockToken = Symbol.for('@notify/Clock');
