/**
 * Registers a worker's Node the way a kubelet does, as the node itself (`system:node:<name>`):
 * creates it with labels, taints, capacity, addresses and `spec.providerID`, or brings an
 * existing one's labels, capacity and addresses up to date. Taints are set only at creation:
 * NodeRestriction forbids a node to change its own taints afterwards, as it does labels in the
 * kubernetes.io namespaces (those Berth applies as admin). Safe to repeat.
 */
import { KubeApiError, PatchStrategy, type KubeClient } from '../kube-client.js';
import { nodeSettableLabels, type NodeSpecFile } from '../node-spec.js';

export interface RegistrationInput {
  api: KubeClient;
  spec: NodeSpecFile;
  /** The server's id (`BERTH_SERVER_ID` from the agent); names the Node's providerID. */
  serverId: string;
  nodeIp: string;
  signal?: AbortSignal;
}

export type RegistrationOutcome = 'created' | 'updated' | 'replaced';

export async function registerNode(input: RegistrationInput): Promise<RegistrationOutcome> {
  const { api, spec, signal } = input;
  const name = spec.name;
  const providerID = `berth://${input.serverId}`;
  const status = nodeStatus(spec, input.nodeIp);
  const existing = await api.find(`read node ${name}`, (k) => k.core.readNode({ name }), {
    signal,
  });
  let outcome: RegistrationOutcome = 'updated';
  const stale = existing?.spec?.providerID && existing.spec.providerID !== providerID;
  if (stale) {
    // A Node left by an earlier server of the same name: it describes another machine.
    await api.find(`delete node ${name}`, (k) => k.core.deleteNode({ name }), { signal });
    outcome = 'replaced';
  }
  if (existing === undefined || stale) {
    const created = await createNode(input, providerID, status);
    if (created) {
      await patchStatus(input, status);
      return outcome === 'replaced' ? outcome : 'created';
    }
  }
  const { own } = nodeSettableLabels(spec.labels);
  const body = {
    metadata: { labels: own, annotations: spec.annotations },
    ...(existing?.spec?.providerID ? {} : { spec: { providerID } }),
  };
  await api.call(`update node ${name}`, (k) => k.core.patchNode({ name, body }), {
    signal,
    patch: PatchStrategy.MergePatch,
  });
  await patchStatus(input, status);
  return outcome;
}

/** False when someone created it first (a retry of an earlier run): then it is updated. */
async function createNode(
  input: RegistrationInput,
  providerID: string,
  status: NodeStatus,
): Promise<boolean> {
  const { api, spec } = input;
  const body = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: nodeSettableLabels(spec.labels).own,
      annotations: spec.annotations,
    },
    spec: { providerID, ...(spec.taints.length > 0 ? { taints: spec.taints } : {}) },
    status,
  };
  try {
    await api.call(`create node ${spec.name}`, (k) => k.core.createNode({ body }), {
      signal: input.signal,
    });
    return true;
  } catch (err) {
    if (err instanceof KubeApiError && err.kubeStatus === 409) return false;
    throw err;
  }
}

function patchStatus(input: RegistrationInput, status: NodeStatus): Promise<unknown> {
  const { api, spec } = input;
  return api.call(
    `update status of node ${spec.name}`,
    (k) => k.core.patchNodeStatus({ name: spec.name, body: { status } }),
    { signal: input.signal, patch: PatchStrategy.MergePatch },
  );
}

type NodeStatus = ReturnType<typeof nodeStatus>;

function nodeStatus(spec: NodeSpecFile, nodeIp: string) {
  return {
    capacity: spec.capacity,
    allocatable: spec.capacity,
    addresses: [
      { type: 'InternalIP', address: nodeIp },
      { type: 'Hostname', address: spec.name },
    ],
  };
}
