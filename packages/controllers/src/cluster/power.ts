/**
 * Stop and start for the whole cluster (the "savings for test environments" of the product
 * documents): workers are stopped by their node-group controllers, then the masters here; the
 * network and load balancer stay, so the API address survives a stop/start.
 */
import type { NodeGroup } from '@berth/api-types';
import { ClusterConditions, condition, wait, type ClusterPass } from './context.js';
import { listMasters } from './masters.js';

export async function powerOff(pass: ClusterPass, nodeGroups: NodeGroup[]): Promise<void> {
  const running = nodeGroups.filter(
    (ng) => ng.status.phase !== 'Stopped' && ng.metadata.deletionRequestedAt === undefined,
  );
  if (running.length > 0) {
    wait(
      pass,
      ClusterConditions.nodes,
      'Stopping',
      `stopping node groups: ${running.map((ng) => ng.metadata.name).join(', ')}`,
    );
    return;
  }
  condition(pass, ClusterConditions.nodes, 'False', 'Stopped', 'all node groups are stopped');
  const { provider } = pass.deps;
  for (const master of await listMasters(pass)) {
    if (master.status !== 'SHUTOFF') await provider.servers.stop({ id: master.id }, pass.signal);
  }
  const masters = await listMasters(pass);
  const up = masters.filter((m) => m.status !== 'SHUTOFF');
  if (up.length > 0) {
    wait(
      pass,
      ClusterConditions.controlPlane,
      'Stopping',
      `stopping masters: ${up.map((m) => m.name).join(', ')}`,
    );
    return;
  }
  condition(pass, ClusterConditions.controlPlane, 'False', 'Stopped', 'masters are stopped');
}
