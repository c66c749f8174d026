import type { Router } from '@koa/router';
import type { RequestState } from '../state.js';
import { hostKoaVersion } from '../version.js';
import { createOpenApiDocument } from './document.js';

let cached: string | undefined;

/** The document as JSON text, built once per process: it depends on nothing but the code. */
function openApiJson(): string {
  cached ??= JSON.stringify(createOpenApiDocument(hostKoaVersion()));
  return cached;
}

/**
 * `GET /openapi.json`: the bare document, outside the envelope, so that Swagger UI, Redoc and client
 * generators read it as it is. Outside `/api/`, so it never needs an API key.
 */
export function registerOpenApiRoute(router: Router<RequestState>): void {
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openApiJson();
  });
}
