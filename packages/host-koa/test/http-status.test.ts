import { ERROR_CODES, type ErrorCode, NotifyError } from '@notify/email-core';
import { describe, expect, it } from 'vitest';
import { toErrorResponse } from '../src/error-response.js';
import { HTTP_STATUS, httpStatusOf } from '../src/index.js';

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

describe('the HTTP status of each error code', () => {
  it('maps every code of the core, and nothing else', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...CODES].sort());
  });

  it('agrees with the kind the domain gives each code', () => {
    for (const code of CODES) {
      const { kind } = ERROR_CODES[code];
      const status = HTTP_STATUS[code];
      const expected =
        kind === 'unavailable'
          ? [503, 504]
          : kind === 'rejected'
            ? [502]
            : kind === 'internal'
              ? [500]
              : kind === 'not_found'
                ? [404]
                : kind === 'unauthorized'
                  ? [401]
                  : kind === 'rate_limited'
                    ? [429]
                    : kind === 'conflict'
                      ? [409, 422]
                      : [400, 405, 408, 413, 415, 422, 431];
      expect(expected, `${code} (${kind}) → ${status}`).toContain(status);
      // What the client may read is decided by the kind, and the status must not contradict it.
      expect(new NotifyError(code, 'x').forCaller, code).toBe(status < 500);
    }
  });

  it('answers 500 for a code it does not know', () => {
    expect(httpStatusOf('NO_SUCH_CODE')).toBe(500);
  });

  it('is what toErrorResponse answers with', () => {
    expect(toErrorResponse(new NotifyError('NOT_REPLAYABLE', 'not failed')).status).toBe(409);
    expect(toErrorResponse(new NotifyError('STORE_UNAVAILABLE', 'down')).status).toBe(503);
    expect(toErrorResponse(new NotifyError('PAYLOAD_TOO_LARGE', 'big')).status).toBe(413);
  });
});
