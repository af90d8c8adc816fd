/**
 * The driver's node plugin: on one node, the Identity and Node services on the CSI socket
 * kubelet dials (`/var/lib/kubelet/plugins/volume.berth.dev/csi.sock`) and the registration
 * socket in kubelet's plugins_registry that makes kubelet find it. It runs inside the node
 * (on the local provider: in the server's mount namespace, started through node-exec like
 * kubelet), so its mounts are the node's and kubelet's paths are its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandRunner } from '@berth/exec';
import { startCsiServer } from './csi-server.js';
import { DRIVER_NAME, IdentityService } from './identity.js';
import { CommandMountHost } from './mount-host.js';
import { NodeService } from './node.js';
import {
  CSI_PLUGIN_TYPE,
  startRegistrationServer,
  SUPPORTED_VERSIONS,
  type RegistrationStatus,
} from './registration.js';

export interface NodePluginOptions {
  /** A verified `csi.proto` (`ensureCsiProto`). */
  protoFile: string;
  /** The provider's server id: the node id the controller attaches to. */
  nodeId: string;
  zone: string;
  /** Where the provider's device paths are rooted on this node. */
  deviceRoot: string;
  /** kubelet's root directory. Default /var/lib/kubelet. */
  kubeletDir?: string;
  /** Runs the mount commands (in the node: a plain ProcessRunner). */
  runner: CommandRunner;
  version: string;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

export interface NodePlugin {
  /** The CSI socket's path, as kubelet dials it. */
  csiSocket: string;
  registrationSocket: string;
  stop(): Promise<void>;
}

/** The plugin's program (this package's build output), for a node's user data. */
export function nodePluginScript(): string {
  return fileURLToPath(new URL('./bin/node-plugin.js', import.meta.url));
}

/** The two sockets of the plugin under a kubelet root directory. */
export function nodePluginSockets(kubeletDir = '/var/lib/kubelet') {
  return {
    csi: path.join(kubeletDir, 'plugins', DRIVER_NAME, 'csi.sock'),
    registration: path.join(kubeletDir, 'plugins_registry', `${DRIVER_NAME}-reg.sock`),
  };
}

export async function startNodePlugin(options: NodePluginOptions): Promise<NodePlugin> {
  const sockets = nodePluginSockets(options.kubeletDir);
  for (const socket of Object.values(sockets))
    fs.mkdirSync(path.dirname(socket), { recursive: true });
  const csi = await startCsiServer({
    socket: sockets.csi,
    protoFile: options.protoFile,
    identity: new IdentityService({ version: options.version, controller: false }),
    node: new NodeService({
      host: new CommandMountHost(options.runner),
      nodeId: options.nodeId,
      zone: options.zone,
      deviceRoot: options.deviceRoot,
    }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  // The CSI socket first: kubelet dials it as soon as it has read the registration.
  const registration = await startRegistrationServer({
    socket: sockets.registration,
    info: {
      type: CSI_PLUGIN_TYPE,
      name: DRIVER_NAME,
      endpoint: sockets.csi,
      supported_versions: SUPPORTED_VERSIONS,
    },
    onStatus: (status: RegistrationStatus) =>
      options.log?.(status.plugin_registered ? 'csi.registered' : 'csi.registration-failed', {
        error: status.error,
      }),
  });
  return {
    csiSocket: sockets.csi,
    registrationSocket: sockets.registration,
    stop: async () => {
      await registration.stop();
      await csi.stop();
    },
  };
}
