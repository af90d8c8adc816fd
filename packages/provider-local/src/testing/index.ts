/** Test support for suites that drive the local provider on a real host (e2e, benchmarks). */
export { assertNoLeaks, createE2eEnv, e2eSkip, probeScript, type E2eEnv } from './e2e-env.js';
export {
  BACKEND_PORT,
  createLbTestbed,
  httpBackendScript,
  type LbTestbed,
  type LbTestbedOptions,
  type ListenerSetup,
} from './lb-testbed.js';
export { httpGet, whoAnswers, type HttpAnswer, type HttpGetOptions } from './http-client.js';
export type { BackendAnswer } from './http-backend.js';
export type { ProxyHeader } from './proxy-protocol.js';
