/**
 * A real worker's user data: the files of its configuration and three daemons — containerd,
 * kubelet (after containerd) and kube-proxy — each started through node-exec. The Node object
 * is kubelet's own registration: its name, labels the node may set on itself and the group's
 * taints come from flags; the providerID (`berth://<server id>`) from the server's environment,
 * since the server does not exist yet when its user data is written.
 */
import type { UserData, UserDataFile, UserDataService } from '@berth/provider-api';
import {
  CONTAINERD_PATHS,
  renderCniTemplate,
  renderContainerdConfig,
  renderRegistryHosts,
} from './containerd-config.js';
import {
  KUBELET_PATHS,
  renderKubeProxyConfig,
  renderKubeletConfig,
  type KubeletConfigInput,
} from './kubelet-config.js';
import { NODE_EXEC, renderNodeExec, type NodeDisk } from './node-exec.js';
import {
  CREDENTIAL_PROVIDER,
  renderCredentialProviderConfig,
  renderCredentialProviderPlugin,
  renderCredentialProviderResponse,
} from './credential-provider.js';

export interface NodeBinaries {
  kubelet: string;
  kubeProxy: string;
  /** containerd; its directory also holds containerd-shim-runc-v2, found on PATH. */
  containerd: string;
  runc: string;
  /** The directory holding the CNI plugins. */
  cniBinDir: string;
}

/**
 * Berth's CSI node plugin (`@berth/csi`), a Node.js program: kubelet finds it through its
 * plugins_registry and mounts the cluster's persistent volumes with it.
 */
export interface CsiNodePlugin {
  /** The Node.js runtime. */
  node: string;
  /** The plugin's program (`nodePluginScript()`). */
  script: string;
  /** A verified `csi.proto`. */
  protoFile: string;
  /** The node's zone: its volumes' topology. */
  zone: string;
}

/** The plugin's heap: its idle live heap is a few MiB; the cap keeps it from growing lazily. */
const CSI_PLUGIN_HEAP_MIB = 32;

export interface NodeTaintSpec {
  key: string;
  value: string;
  effect: string;
}

export interface RealNodeInput {
  nodeName: string;
  podsCidr: string;
  kubelet: KubeletConfigInput;
  /** Its `system:node:<name>` client certificate, for kubelet. */
  kubeletKubeconfig: string;
  /** `system:kube-proxy`'s. */
  kubeProxyKubeconfig: string;
  caPem: string;
  /** Labels the node may set on itself (NodeRestriction's rules); Berth adds the others. */
  labels: Record<string, string>;
  taints: NodeTaintSpec[];
  flavor: { vcpus: number; ramMiB: number };
  /** The node's root disk (node-exec.ts); none keeps its state in the server's directory. */
  disk?: NodeDisk;
  sandboxImage: string;
  /**
   * The platform registry nodes pull from, trusted with its CA; with a credential, kubelet
   * pulls the cluster's project images with it (credential-provider.ts).
   */
  registry?: {
    host: string;
    caPem: string;
    credential?: { username: string; password: string };
  };
  binaries: NodeBinaries;
  /** Without it, the node mounts no persistent volumes. */
  csi?: CsiNodePlugin;
}

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function renderRealNodeUserData(input: RealNodeInput): UserData {
  return { files: nodeFiles(input), services: nodeServices(input) };
}

function nodeFiles(input: RealNodeInput): UserDataFile[] {
  const files: UserDataFile[] = [
    {
      path: NODE_EXEC,
      content: renderNodeExec({
        cniBinDir: input.binaries.cniBinDir,
        flavor: input.flavor,
        ...(input.disk === undefined ? {} : { disk: input.disk }),
      }),
      mode: 0o755,
    },
    { path: KUBELET_PATHS.caCert, content: input.caPem },
    { path: KUBELET_PATHS.kubeconfig, content: input.kubeletKubeconfig, mode: 0o600 },
    { path: KUBELET_PATHS.proxyKubeconfig, content: input.kubeProxyKubeconfig, mode: 0o600 },
    { path: KUBELET_PATHS.config, content: renderKubeletConfig(input.kubelet) },
    {
      path: KUBELET_PATHS.proxyConfig,
      content: renderKubeProxyConfig({ nodeName: input.nodeName, podsCidr: input.podsCidr }),
    },
    {
      path: CONTAINERD_PATHS.config,
      content: renderContainerdConfig({
        sandboxImage: input.sandboxImage,
        runc: input.binaries.runc,
      }),
    },
    { path: CONTAINERD_PATHS.cniTemplate, content: renderCniTemplate() },
  ];
  if (input.registry !== undefined) {
    const dir = `${CONTAINERD_PATHS.registryHosts}/${input.registry.host}`;
    files.push(
      { path: `${dir}/ca.crt`, content: input.registry.caPem },
      {
        path: `${dir}/hosts.toml`,
        content: renderRegistryHosts(input.registry.host, `${dir}/ca.crt`),
      },
    );
    const { credential } = input.registry;
    if (credential !== undefined) {
      files.push(
        {
          path: CREDENTIAL_PROVIDER.config,
          content: renderCredentialProviderConfig(input.registry.host),
        },
        {
          path: `${CREDENTIAL_PROVIDER.binDir}/${CREDENTIAL_PROVIDER.name}`,
          content: renderCredentialProviderPlugin(),
          mode: 0o700,
        },
        {
          path: CREDENTIAL_PROVIDER.response,
          content: renderCredentialProviderResponse(input.registry.host, credential),
          mode: 0o600,
        },
      );
    }
  }
  return files;
}

function nodeServices(input: RealNodeInput): UserDataService[] {
  const { binaries } = input;
  const containerdDir = binaries.containerd.slice(0, binaries.containerd.lastIndexOf('/'));
  const env = { PATH: `${containerdDir}:${SYSTEM_PATH}` };
  const through = (argv: string[]) => ['/bin/sh', NODE_EXEC.slice(1), ...argv];
  const labels = Object.entries(input.labels)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');
  const taints = input.taints.map((t) => `${t.key}=${t.value}:${t.effect}`).join(',');
  return [
    {
      name: 'containerd',
      command: through([binaries.containerd, '--config', CONTAINERD_PATHS.config]),
      env,
      workingDir: '/',
      restart: 'always',
    },
    {
      name: 'kubelet',
      // The server id and address are known only at boot: the agent puts them in
      // BERTH_SERVER_ID and BERTH_SERVER_ADDRESS. Without --node-ip kubelet would look its
      // name up in DNS first, and a network without a DNS server costs a 10 s timeout.
      command: through([
        '/bin/sh',
        '-c',
        'exec "$0" "$@" --provider-id="berth://$BERTH_SERVER_ID" --node-ip="$BERTH_SERVER_ADDRESS"',
        binaries.kubelet,
        `--config=${KUBELET_PATHS.config}`,
        `--config-dir=${KUBELET_PATHS.dropIns}`,
        `--kubeconfig=${KUBELET_PATHS.kubeconfig}`,
        `--hostname-override=${input.nodeName}`,
        ...(labels === '' ? [] : [`--node-labels=${labels}`]),
        ...(input.registry?.credential === undefined
          ? []
          : [
              `--image-credential-provider-config=${CREDENTIAL_PROVIDER.config}`,
              `--image-credential-provider-bin-dir=${CREDENTIAL_PROVIDER.binDir}`,
            ]),
        ...(taints === '' ? [] : [`--register-with-taints=${taints}`]),
      ]),
      env,
      workingDir: '/',
      restart: 'always',
      after: ['containerd'],
    },
    {
      name: 'kube-proxy',
      command: through([binaries.kubeProxy, `--config=${KUBELET_PATHS.proxyConfig}`]),
      env,
      workingDir: '/',
      restart: 'always',
    },
    ...(input.csi === undefined ? [] : [csiNodeService(input.csi, through, env)]),
  ];
}

function csiNodeService(
  csi: CsiNodePlugin,
  through: (argv: string[]) => string[],
  env: Record<string, string>,
): UserDataService {
  return {
    name: 'csi-node',
    command: through([
      csi.node,
      `--max-old-space-size=${CSI_PLUGIN_HEAP_MIB}`,
      csi.script,
      `--proto-file=${csi.protoFile}`,
      `--zone=${csi.zone}`,
    ]),
    env,
    workingDir: '/',
    restart: 'always',
  };
}
