import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi, validBody } from './http-harness.js';

/** A small deterministic PRNG (mulberry32), so a failure reproduces from its seed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  Number.MAX_SAFE_INTEGER,
  '',
  ' ',
  '\u0000',
  'a\r\nBcc: victim@example.com',
  '💥'.repeat(50),
  'x'.repeat(300),
  '__proto__',
  [],
  [1, 2],
  {},
  { __proto__: { admin: true } },
  { constructor: { prototype: {} } },
  { email: 'a@b.c' },
  { email: 'not an email' },
  { email: ['a@b.c'] },
];

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = { next: value };
  return value;
}

describe('fuzz-ish: odd input never produces a 500', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers a few hundred random bodies with 202, 400, 413, 415 or 422', async () => {
    const random = prng(20240501);
    const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)] as T;
    const keys = [
      'notification_type',
      'user_id',
      'template_code',
      'variables',
      'request_id',
      'priority',
      'metadata',
      'extra',
    ];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i += 1) {
      let raw: string;
      const shape = random();
      if (shape < 0.6) {
        const body: Record<string, unknown> = validBody();
        for (const key of keys) if (random() < 0.3) body[key] = pick(ODD_VALUES);
        if (random() < 0.1) body.metadata = nested(Math.floor(random() * 60));
        if (random() < 0.1) body.variables = { email: 'a@b.co', deep: nested(40) };
        raw = JSON.stringify(body);
      } else if (shape < 0.8) {
        raw = JSON.stringify(pick(ODD_VALUES));
      } else {
        const valid = JSON.stringify(validBody());
        const cut = Math.floor(random() * valid.length);
        raw = valid.slice(0, cut) + pick(['', '}', '"', '\\', '\u0000', '{{', ']']) + valid.slice(cut + 1);
      }
      const res = await api.call('/api/v1/notifications/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': random() < 0.1 ? `k${i}` : '' },
        body: raw,
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect([202, 400, 413, 415, 422], `body ${raw.slice(0, 300)}`).toContain(res.status);
      expect(typeof res.body.success).toBe('boolean');
      expect(res.body).toHaveProperty('error');
      expect(res.body).toHaveProperty('meta');
    }
    // The generator must actually reach both sides, or the test proves little.
    expect(statuses.get(202) ?? 0).toBeGreaterThan(10);
    expect(statuses.get(422) ?? 0).toBeGreaterThan(10);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(5);
  });

  it('answers a few hundred odd query strings and ids with 200, 404 or 422', async () => {
    const random = prng(7);
    const values = [
      '',
      '0',
      '-1',
      '1',
      '20',
      '100',
      '101',
      'abc',
      '1e2',
      '%00',
      '%ZZ',
      '%E0%A4%A',
      '[]',
      '{}',
      'NaN',
      'Infinity',
      '0x10',
      ' 5',
      'pending',
      'queued',
      'delivered',
      'bogus',
      '💥',
      'x'.repeat(500),
    ];
    const names = ['limit', 'page', 'status', 'user_id', 'template_code', 'other'];
    for (let i = 0; i < 300; i += 1) {
      const parts: string[] = [];
      const count = Math.floor(random() * 4);
      for (let j = 0; j < count; j += 1) {
        const name = names[Math.floor(random() * names.length)];
        const value = values[Math.floor(random() * values.length)] as string;
        parts.push(
          `${name}${random() < 0.1 ? '[]' : ''}=${value.startsWith('%') ? value : encodeURIComponent(value)}`,
        );
      }
      const path =
        random() < 0.7
          ? `/api/v1/notifications/${random() < 0.5 ? 'list/' : ''}?${parts.join('&')}`
          : `/api/v1/notifications/${values[Math.floor(random() * values.length)]}/`;
      const res = await api.call(path);
      expect([200, 404, 422], path).toContain(res.status);
      expect(typeof res.body.success).toBe('boolean');
    }
  });
});
