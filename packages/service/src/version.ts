import { readPackageVersion } from '@notify/email-core';

/** The stock service's version, as health and `--version` report it. */
export function serviceVersion(): string {
  return readPackageVersion(new URL('../package.json', import.meta.url));
}
