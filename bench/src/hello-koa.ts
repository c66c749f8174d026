/**
 * The ceiling of the API figures: a Koa hello-world on the same machine, the same Koa the service
 * uses (resolved from packages/host-koa), answering the same POST with a small JSON 202 without
 * reading the body. Whatever the service does beyond this (parse, validate, commit, log) is what
 * the ratio accepted/s ÷ hello-world/s prices.
 *
 * IPC: sends `{ type: 'ready', port }`.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.js';

interface MinimalContext {
  status: number;
  body: unknown;
}
interface MinimalKoa {
  use(middleware: (ctx: MinimalContext) => void): void;
  listen(port: number, host: string, callback: () => void): import('node:http').Server;
}

const koaPath = createRequire(join(ROOT, 'packages/host-koa/package.json')).resolve('koa');
const Koa = ((await import(pathToFileURL(koaPath).href)) as { default: new () => MinimalKoa }).default;
const app = new Koa();
app.use((ctx) => {
  ctx.status = 202;
  ctx.body = { success: true, message: 'hello', data: null, error: null, meta: null };
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
