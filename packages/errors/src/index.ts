export * from './berth-error.js';
export * from './catalogue.js';
