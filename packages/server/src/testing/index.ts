/**
 * `@berth/server/testing`: the harnesses of the end-to-end suites and benchmarks — a real
 * `berth server --provider local` as a child process, the CLI and kubectl against it, fault
 * injection and the leak check. Test code only: nothing under `dist/` for production imports it.
 */
export * from './e2e.js';
export * from './ha.js';
export * from './fake-prometheus.js';
export * from './in-process.js';
