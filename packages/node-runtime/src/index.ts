/**
 * @berth/node-runtime — a real Kubernetes node's configuration as pure functions: containerd
 * (config, CNI template, registry trust), the registry credential provider, kubelet and kube-proxy configuration, node-exec (the
 * script its daemons start through) and the user data that runs them.
 */
export * from './containerd-config.js';
export * from './credential-provider.js';
export * from './kubelet-config.js';
export * from './node-exec.js';
export * from './node-user-data.js';
