export { createOpenApiDocument } from './document.js';
export { acceptRequestExample } from './request-example.js';
export { openApiJson, registerOpenApiRoute } from './route.js';
