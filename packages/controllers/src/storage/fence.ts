/**
 * Fencing a dead node. Kubernetes will not move a pod's volume off a node that stopped
 * answering: the node might still write to it. Berth knows better when the node's server is down
 * (stopped, failed or gone): after the node has been NotReady for `fenceAfterMs` with its
 * server down, it gets the `node.kubernetes.io/out-of-service` taint — Kubernetes then deletes
 * its pods and detaches their volumes without waiting (the attach phase forces the detach), and
 * the pods' replacements attach them elsewhere. A node whose server is up is never fenced (a
 * partition must not give one volume two writers); the taint goes when the node is Ready again.
 */
import { BerthError } from '@berth/errors';
import type { StorageNodeView } from '@berth/controller-ports';
import type { StoragePass } from './pass.js';

export async function fencePhase(pass: StoragePass): Promise<void> {
  for (const node of pass.objects.nodes) {
    if (node.ready && node.outOfService) {
      await pass.client.setOutOfService(node.name, false, pass.signal);
      pass.forget(node);
      pass.logger.info({ node: node.name }, 'node ready again: out-of-service taint removed');
    } else if (!node.ready && !node.outOfService && (await shouldFence(pass, node))) {
      await pass.client.setOutOfService(node.name, true, pass.signal);
      pass.logger.warn(
        { node: node.name },
        'node down: tainted out-of-service, its volumes detached',
      );
      await pass.event(
        { kind: 'Node', name: node.name, uid: node.uid },
        {
          type: 'Warning',
          reason: 'NodeFenced',
          message: `node ${node.name} has been NotReady with its server down for ${Math.round(pass.policy.fenceAfterMs / 1000)} s: tainted out-of-service so its pods and volumes move`,
        },
      );
    }
  }
}

async function shouldFence(pass: StoragePass, node: StorageNodeView): Promise<boolean> {
  if (node.csiNodeId === undefined || node.readySince === undefined) return false;
  if (pass.now.getTime() - node.readySince.getTime() < pass.policy.fenceAfterMs) return false;
  return !(await serverUp(pass, node.csiNodeId));
}

async function serverUp(pass: StoragePass, serverId: string): Promise<boolean> {
  try {
    const server = await pass.provider.servers.get({ id: serverId }, pass.signal);
    return server.status === 'ACTIVE' || server.status === 'BUILD';
  } catch (err) {
    if (err instanceof BerthError && err.code === 'BERTH_ERR_NOT_FOUND') return false;
    throw err;
  }
}
