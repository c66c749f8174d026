export { type AppOptions, createApp } from './app.js';
export { type Envelope, type ErrorBody, failure, ok } from './envelope.js';
export { toErrorResponse } from './error-response.js';
export { HTTP_STATUS, httpStatusOf } from './http-status.js';
export { DEFAULT_BODY_LIMIT_BYTES } from './json-body.js';
export { type HttpServerOptions, type RunningHttpServer, startHttpServer } from './server.js';
export type { RequestState } from './state.js';
