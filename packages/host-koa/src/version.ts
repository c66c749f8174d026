import { readPackageVersion } from '@notify/email-core';

/** This package's version, as `/openapi.json` reports it. */
export function hostKoaVersion(): string {
  return readPackageVersion(new URL('../package.json', import.meta.url));
}
