export * from './pki.js';
export * from './kubeconfig.js';
export * from './component-flags.js';
