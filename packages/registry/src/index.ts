/**
 * @berth/registry — the platform's container registry (issue 8): distribution's `registry`
 * binary run as a supervised child on a unix socket, behind Berth's TLS front, which also serves
 * the token endpoint; tokens are JWTs granting pull/push by Berth project roles (access.ts).
 * See docs/registry.md.
 */
export * from './access.js';
export * from './config.js';
export * from './jwt.js';
export * from './token-service.js';
export * from './front.js';
export * from './service.js';
export * from './platform.js';
