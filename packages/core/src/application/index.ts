export * from './engine.js';
export * from './views.js';
