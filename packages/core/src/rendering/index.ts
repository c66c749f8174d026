export * from './directory-template-source.js';
export * from './message-id.js';
export * from './template-renderer.js';
