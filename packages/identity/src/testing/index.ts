export * from './slapd.js';
