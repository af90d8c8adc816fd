/** Test support for suites that drive the local provider on a real host (e2e, benchmarks). */
export { canRunE2e, createE2eEnv, probeScript, type E2eEnv } from './e2e-env.js';
export { waitFor } from './wait.js';
