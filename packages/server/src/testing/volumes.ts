/**
 * A cluster's volumes as the controllers and the CSI driver leave them, made directly on a
 * provider: a worker server named as its Kubernetes node, its root disk, and a PVC's volume
 * attached to it.
 */
import type { InfraProvider } from '@berth/provider-api';

export interface SeededVolumes {
  node: { id: string; name: string };
  pv: { id: string; name: string; device: string };
  disk: { id: string; name: string };
}

const signal = new AbortController().signal;

export async function seedClusterVolumes(
  provider: InfraProvider,
  { project, clusterUid, prefix }: { project: string; clusterUid: string; prefix: string },
): Promise<SeededVolumes> {
  const cluster = {
    'berth.dev/cluster': clusterUid,
    'berth.dev/project': project,
    'berth.dev/managed-by': 'berth',
  };
  const worker = { ...cluster, 'berth.dev/role': 'worker', 'berth.dev/node-group': 'ng-uid' };
  const network = await provider.networks.create({ name: `${prefix}-net`, tags: cluster }, signal);
  const subnet = await provider.networks.createSubnet(
    { name: `${prefix}-subnet`, tags: cluster, networkId: network.id, cidr: '10.0.0.0/24' },
    signal,
  );
  const nodeName = `${prefix}-a-x7k2p`;
  const ports = [{ networkId: network.id, subnetId: subnet.id }];
  const server = await provider.servers.create(
    { name: nodeName, tags: worker, flavor: 'std-2-4', zone: 'az1', ports },
    signal,
  );
  const disk = await provider.volumes.create(
    { name: `${nodeName}-root`, tags: worker, volumeType: 'ssd', sizeGb: 20, zone: 'az1' },
    signal,
  );
  const pvName = `pvc-${prefix}-0d4c`;
  const created = await provider.volumes.create(
    {
      name: pvName,
      tags: {
        ...cluster,
        'berth.dev/role': 'volume',
        'berth.dev/csi-driver': 'volume.berth.dev',
        'berth.dev/pvc-namespace': 'shop',
        'berth.dev/pvc-name': 'data-db-0',
        'berth.dev/pv-name': pvName,
        'berth.dev/reclaim-policy': 'Delete',
      },
      volumeType: 'hdd',
      sizeGb: 2,
      zone: 'az1',
    },
    signal,
  );
  const attached = await provider.volumes.attach({ id: created.id, serverId: server.id }, signal);
  if (attached.attachment === null) throw new Error(`volume ${pvName} did not attach`);
  return {
    node: { id: server.id, name: nodeName },
    pv: { id: created.id, name: pvName, device: attached.attachment.device },
    disk: { id: disk.id, name: disk.name },
  };
}
