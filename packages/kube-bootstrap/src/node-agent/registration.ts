/**
 * Registers a worker's Node the way a kubelet does, as the node itself (`system:node:<name>`):
 * creates it with labels, taints, capacity, addresses and `spec.providerID`, or brings an
 * existing one's labels, capacity and addresses up to date. Taints are set only at creation:
 * NodeRestriction forbids a node to change its own taints afterwards, as it does labels in the
 * kubernetes.io namespaces (those Berth applies as admin). Safe to repeat.
 */
import { KubeApiError, MERGE_PATCH, type KubeApi } from '../kube-api.js';
import { nodeSettableLabels, type NodeSpecFile } from '../node-spec.js';

export interface RegistrationInput {
  api: KubeApi;
  spec: NodeSpecFile;
  /** The server's id (`BERTH_SERVER_ID` from the agent); names the Node's providerID. */
  serverId: string;
  nodeIp: string;
  signal?: AbortSignal;
}

export type RegistrationOutcome = 'created' | 'updated' | 'replaced';

interface NodeObject {
  spec?: { providerID?: string };
}

export async function registerNode(input: RegistrationInput): Promise<RegistrationOutcome> {
  const { api, spec, signal } = input;
  const path = `/api/v1/nodes/${spec.name}`;
  const providerID = `berth://${input.serverId}`;
  const status = nodeStatus(spec, input.nodeIp);
  const existing = await api.get<NodeObject>(path, signalOf(signal));
  let outcome: RegistrationOutcome = 'updated';
  const stale = existing?.spec?.providerID && existing.spec.providerID !== providerID;
  if (stale) {
    // A Node left by an earlier server of the same name: it describes another machine.
    await api.request('DELETE', path, signalOf(signal));
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
  await api.request('PATCH', path, {
    body: {
      metadata: { labels: own, annotations: spec.annotations },
      ...(existing?.spec?.providerID ? {} : { spec: { providerID } }),
    },
    contentType: MERGE_PATCH,
    ...signalOf(signal),
  });
  await patchStatus(input, status);
  return outcome;
}

/** False when someone created it first (a retry of an earlier run): then it is updated. */
async function createNode(
  input: RegistrationInput,
  providerID: string,
  status: object,
): Promise<boolean> {
  const { spec } = input;
  try {
    await input.api.request('POST', '/api/v1/nodes', {
      body: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: spec.name,
          labels: nodeSettableLabels(spec.labels).own,
          annotations: spec.annotations,
        },
        spec: { providerID, ...(spec.taints.length > 0 ? { taints: spec.taints } : {}) },
        status,
      },
      ...signalOf(input.signal),
    });
    return true;
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 409) return false;
    throw err;
  }
}

function patchStatus(input: RegistrationInput, status: object): Promise<unknown> {
  return input.api.request('PATCH', `/api/v1/nodes/${input.spec.name}/status`, {
    body: { status },
    contentType: MERGE_PATCH,
    ...signalOf(input.signal),
  });
}

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

function signalOf(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
