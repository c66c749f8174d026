export { createOpenApiDocument } from './document.js';
export { acceptRequestExample, acceptRequestSchema, listQueryParameters } from './request-schemas.js';
export { openApiJson, registerOpenApiRoute } from './route.js';
