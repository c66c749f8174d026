export * from './application/index.js';
export * from './container.js';
export * from './domain/index.js';
export * from './memory/index.js';
export * from './ports/index.js';
export * from './rendering/index.js';
export * from './support/package-version.js';
export * from './validation/index.js';
