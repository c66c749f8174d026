export { createOpenApiDocument } from './document.js';
export { acceptRequestExample } from './request-example.js';
export { registerOpenApiRoute } from './route.js';
