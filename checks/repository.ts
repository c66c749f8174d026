import { fileURLToPath } from 'node:url';

/** The repository's root folder (this file is in checks/). */
export const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
