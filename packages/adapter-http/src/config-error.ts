import { NotifyError } from '@notify/email-core';

/** CONFIG_INVALID naming the offending option key. */
export function configError(component: string, key: string, problem: string): NotifyError {
  return new NotifyError('CONFIG_INVALID', `${component} option ${key} ${problem}`, {
    details: [{ path: key, message: problem }],
  });
}

export function httpUrl(component: string, key: string, value: unknown): URL {
  if (typeof value !== 'string' || value.trim() === '')
    throw configError(component, key, 'must be a non-empty URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(component, key, `must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw configError(component, key, `must be an http or https URL, got ${url.protocol}`);
  }
  return url;
}

export function integerOption(
  component: string,
  key: string,
  value: unknown,
  fallback: number,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw configError(
      component,
      key,
      `must be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function headersOption(component: string, key: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw configError(component, key, 'must be an object of header names to string values');
  }
  for (const [name, header] of Object.entries(value)) {
    if (typeof header !== 'string' || /[\r\n]/.test(header)) {
      throw configError(component, `${key}.${name}`, 'must be a string without line breaks');
    }
  }
  return { ...(value as Record<string, string>) };
}

/** Node's fetch hides the real reason (ECONNREFUSED, ...) in `cause`; bring it into the message. */
export function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  if (cause?.code) return `${error.message} (${cause.code})`;
  if (cause?.message) return `${error.message} (${cause.message})`;
  return error.message;
}

export function isTimeout(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'TimeoutError';
}
