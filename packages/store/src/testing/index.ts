/** Test support for suites that need a real store: `@berth/store/testing`. */
export { storeBackends, type StoreBackend } from './backends.js';
export { startTestPostgres, type TestPostgres } from './postgres.js';
