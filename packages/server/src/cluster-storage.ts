/**
 * The composition of clusters' persistent volumes for `berth server`: the CSI node plugin real
 * nodes run (its program from @berth/csi, its `csi.proto` fetched once into the component
 * cache and verified) and the driver's cluster objects from the provider's volume types.
 */
import { driverObjects, ensureCsiProto, nodePluginScript, type ClusterObject } from '@berth/csi';
import type { CommandRunner } from '@berth/exec';
import type { ClusterStorageSetup } from '@berth/kube-bootstrap';
import type { CatalogService } from '@berth/provider-api';

/** The class PVCs get when they name none: the general-purpose SSD. */
export const DEFAULT_VOLUME_TYPE = 'ssd';

export interface ClusterStorageOptions {
  cacheDir: string;
  runner: CommandRunner;
  catalog: Pick<CatalogService, 'listVolumeTypes'>;
}

export function clusterStorageSetup(options: ClusterStorageOptions): ClusterStorageSetup {
  let proto: Promise<string> | undefined;
  const protoFile = (signal: AbortSignal) => {
    proto ??= ensureCsiProto(options.cacheDir, { runner: options.runner, signal }).catch(
      (err: unknown) => {
        proto = undefined; // fetched again by the next caller
        throw err;
      },
    );
    return proto;
  };
  return {
    nodePlugin: async (signal) => ({
      script: nodePluginScript(),
      protoFile: await protoFile(signal),
    }),
    objects: async (signal): Promise<ClusterObject[]> => {
      const types = await options.catalog.listVolumeTypes({}, signal);
      return driverObjects({
        volumeTypes: types.map((t) => t.name),
        defaultType: DEFAULT_VOLUME_TYPE,
      });
    },
  };
}
