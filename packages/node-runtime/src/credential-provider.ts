/**
 * How a node pulls its cluster's project images from the platform registry without an
 * imagePullSecret: a kubelet image credential provider (the exec plugin protocol,
 * `credentialprovider.kubelet.k8s.io/v1`). kubelet runs the plugin for images whose host
 * matches the registry; the plugin answers with the cluster's pull credential, which kubelet
 * hands to containerd with the pull. The plugin is a two-line script printing a response the
 * node was given (mode 0600, read by root only); kubelet caches it for an hour.
 */
export const CREDENTIAL_PROVIDER = {
  name: 'berth-registry',
  config: '/etc/kubernetes/image-credential-providers.yaml',
  binDir: '/etc/kubernetes/image-credential-providers',
  response: '/etc/kubernetes/pki/registry-credential.json',
} as const;

const API_VERSION = 'credentialprovider.kubelet.k8s.io/v1';

export function renderCredentialProviderConfig(registryHost: string): string {
  return `# Rendered by Berth; changes are overwritten.
apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: ${CREDENTIAL_PROVIDER.name}
    matchImages:
      - ${JSON.stringify(registryHost)}
    defaultCacheDuration: 1h
    apiVersion: ${API_VERSION}
`;
}

/** The plugin: it reads kubelet's request (unused: one registry, one credential) and answers. */
export function renderCredentialProviderPlugin(): string {
  return `#!/bin/sh
# Rendered by Berth: kubelet image credential provider for the platform registry.
cat >/dev/null
exec cat ${CREDENTIAL_PROVIDER.response}
`;
}

export function renderCredentialProviderResponse(
  registryHost: string,
  credential: { username: string; password: string },
): string {
  const response = {
    apiVersion: API_VERSION,
    kind: 'CredentialProviderResponse',
    cacheKeyType: 'Registry',
    cacheDuration: '1h0m0s',
    auth: { [registryHost]: { username: credential.username, password: credential.password } },
  };
  return `${JSON.stringify(response)}\n`;
}
