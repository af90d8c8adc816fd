/**
 * containerd's configuration on a real node (config version 3, containerd 2.x), as a pure
 * function. Paths are the standard ones: inside a local server they are the node's own
 * directories, bound over those paths in its private mount namespace (see node-exec.ts).
 *
 * Choices that differ from containerd's defaults, and why:
 * - `restrict_oom_score_adj`: processes here may not lower an oom_score_adj (no
 *   CAP_SYS_RESOURCE), and the sandbox asks for -998; restricted, it keeps the current floor.
 * - `netns_mounts_under_state_dir`: pod network namespaces under the node's state, not the
 *   host's /var/run/netns.
 * - `conf_template`: containerd writes the CNI config itself once kubelet reports the node's
 *   podCIDR, so no step waits for the controller-manager's allocation.
 * - `SystemdCgroup = false`: cgroupfs, as kubelet's `cgroupDriver`; the node's cgroup root is
 *   the server's own group, not a systemd slice.
 */
export interface ContainerdConfigInput {
  /** The pause image the sandboxes run, e.g. `198.18.0.1:5000/berth/pause:3.10.1`. */
  sandboxImage: string;
  /** Absolute path of runc. */
  runc: string;
}

export const CONTAINERD_PATHS = {
  config: '/etc/containerd/config.toml',
  cniTemplate: '/etc/containerd/cni.template',
  /** `hosts.toml` per registry (`<dir>/<host:port>/hosts.toml`). */
  registryHosts: '/etc/containerd/certs.d',
  socket: '/run/containerd/containerd.sock',
} as const;

const q = (s: string) => `'${s.replace(/'/g, '')}'`;

export function renderContainerdConfig(input: ContainerdConfigInput): string {
  const cri = "plugins.'io.containerd.cri.v1.runtime'";
  const images = "plugins.'io.containerd.cri.v1.images'";
  return `# Rendered by Berth; changes are overwritten.
version = 3
root = '/var/lib/containerd'
state = '/run/containerd'

[grpc]
  address = ${q(CONTAINERD_PATHS.socket)}

[ttrpc]
  address = '${CONTAINERD_PATHS.socket}.ttrpc'

[plugins.'io.containerd.internal.v1.opt']
  path = '/var/lib/containerd/opt'

[${images}]
  snapshotter = 'overlayfs'

[${images}.pinned_images]
  sandbox = ${q(input.sandboxImage)}

[${images}.registry]
  config_path = ${q(CONTAINERD_PATHS.registryHosts)}

[${cri}]
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  enable_unprivileged_ports = true
  enable_unprivileged_icmp = true

[${cri}.containerd]
  default_runtime_name = 'runc'

[${cri}.containerd.runtimes.runc]
  runtime_type = 'io.containerd.runc.v2'

[${cri}.containerd.runtimes.runc.options]
  SystemdCgroup = false
  BinaryName = ${q(input.runc)}

[${cri}.cni]
  bin_dirs = ['/opt/cni/bin']
  conf_dir = '/etc/cni/net.d'
  conf_template = ${q(CONTAINERD_PATHS.cniTemplate)}

[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = '127.0.0.1'
`;
}

/**
 * A registry's `hosts.toml`: pulls from `host` (e.g. `198.18.0.1:5000`) over HTTPS, trusting
 * the CA at `caFile` (a path inside the node).
 */
export function renderRegistryHosts(host: string, caFile: string): string {
  return `# Rendered by Berth; changes are overwritten.
server = 'https://${host}'

[host.'https://${host}']
  capabilities = ['pull', 'resolve']
  ca = ${q(caFile)}
`;
}

/**
 * The CNI configuration template containerd fills with the node's podCIDR: a bridge per node
 * (`cni0`, the pods' gateway) with host-local IPAM over the podCIDR, then portmap for hostPorts
 * through nftables (this host has no iptables). No masquerade here: pod traffic leaving the
 * cluster network is SNATed by the tenant router, as the nodes' own is, and pods reach each
 * other across nodes through the routes Berth programs in that router.
 */
export function renderCniTemplate(): string {
  const config = {
    cniVersion: '1.0.0',
    name: 'berth',
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni0',
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: '{{.PodCIDR}}' }]],
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, backend: 'nftables' },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
