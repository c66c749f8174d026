import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from bench/dist). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS_DIR = join(ROOT, 'bench/results');
/** Compiled helper processes of the harness itself (smtp sink, hello-world, raw sender). */
export const HARNESS_DIST = join(ROOT, 'bench/dist');
