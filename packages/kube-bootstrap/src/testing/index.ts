/** Test helpers other packages' end-to-end tests use: a real kube-apiserver on loopback. */
export {
  startTestApiserver,
  type TestApiserver,
  type TestApiserverOptions,
} from './test-apiserver.js';
export { MemorySecretStore, testCluster } from './fixtures.js';
