/** The CSI Identity service: who the driver is and what it offers. */
import { CONTROLLER_CAPABILITIES } from './controller.js';

/**
 * The issue asked for `berth.dev/volume`, but a CSI plugin name is in domain-name notation
 * (CSI spec, GetPluginInfo; csi-sanity checks `^[a-zA-Z][A-Za-z0-9-._]{0,61}[a-zA-Z]$`) and a
 * Kubernetes CSIDriver name is a DNS subdomain: neither allows '/'. So the same words, as a
 * domain.
 */
export const DRIVER_NAME = 'volume.berth.dev';

export interface IdentityOptions {
  version: string;
  /** Whether this process serves the Controller service (a node-only plugin does not). */
  controller: boolean;
  /** Health of what the driver depends on; Probe answers `ready` from it. */
  ready?: () => Promise<boolean>;
}

export class IdentityService {
  constructor(private readonly options: IdentityOptions) {}

  pluginInfo(): object {
    return { name: DRIVER_NAME, vendor_version: this.options.version, manifest: {} };
  }

  /**
   * Volumes are accessible from one zone; they grow while published on the device side
   * (ONLINE), the node growing the filesystem as far as the host lets it (see node.ts).
   */
  pluginCapabilities(): object {
    const service = (type: string) => ({ service: { type } });
    return {
      capabilities: [
        ...(this.options.controller ? [service('CONTROLLER_SERVICE')] : []),
        service('VOLUME_ACCESSIBILITY_CONSTRAINTS'),
        { volume_expansion: { type: 'ONLINE' } },
      ],
    };
  }

  async probe(): Promise<object> {
    return { ready: { value: (await this.options.ready?.()) ?? true } };
  }

  static controllerCapabilities(): object {
    return { capabilities: CONTROLLER_CAPABILITIES.map((type) => ({ rpc: { type } })) };
  }
}
