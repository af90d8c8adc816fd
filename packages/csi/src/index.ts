/**
 * @berth/csi: Berth's CSI driver `volume.berth.dev` — the Identity, Controller and Node
 * services of the Container Storage Interface over gRPC on a unix socket. The Controller
 * drives volumes through a narrow port (`VolumePort`, on a provider: `ProviderVolumes`); the
 * Node formats, mounts and grows through `MountHost` (commands via a runner). The protocol,
 * the spec's `csi.proto`, is fetched from its pinned Go module and verified (`ensureCsiProto`).
 */
export { startCsiServer, type CsiServer, type CsiServerOptions } from './csi-server.js';
export { IdentityService, DRIVER_NAME, type IdentityOptions } from './identity.js';
export {
  ControllerService,
  CONTROLLER_CAPABILITIES,
  TYPE_PARAMETER,
  CLAIM_PARAMETER_TAGS,
  RECLAIM_POLICY_TAG,
  type ControllerOptions,
} from './controller.js';
export { NodeService, NODE_CAPABILITIES, type NodeOptions } from './node.js';
export { CommandMountHost, type MountHost, type Mounted } from './mount-host.js';
export type { VolumePort, PortVolume, CreatePortVolume } from './volume-port.js';
export { ProviderVolumes, DRIVER_TAG, type ProviderVolumesOptions } from './provider-volumes.js';
export { ZONE_KEY, GIB, sizeGbFor } from './capabilities.js';
export type { VolumeCapability, CsiVolume } from './messages.js';
export { csiServices, type CsiServiceDefinitions } from './proto.js';
export {
  ensureCsiProto,
  csiProtoCachePath,
  CSI_SPEC_MODULE,
  CSI_SPEC_VERSION,
  CSI_PROTO_SHA256,
  type CsiProtoPin,
  type EnsureCsiProtoOptions,
} from './csi-proto.js';
export {
  startNodePlugin,
  nodePluginSockets,
  nodePluginScript,
  type NodePlugin,
  type NodePluginOptions,
} from './node-plugin.js';
export {
  startRegistrationServer,
  registrationService,
  PLUGINS_REGISTRY_DIR,
  type PluginInfo,
  type RegistrationStatus,
} from './registration.js';
export {
  driverObjects,
  PROVISIONER_NAME,
  DEFAULT_CLASS_ANNOTATION,
  type ClusterObject,
  type DriverObjectsInput,
} from './cluster-objects.js';
