/**
 * How ready a cluster's control plane is, asked of its API and told in words a person acts on:
 * the apiserver's own `/readyz` (with the checks that fail), which masters' apiservers serve
 * (the `kubernetes` Service's endpoints: each live apiserver keeps its address there), and
 * whether the controller-manager and scheduler hold their leader leases. Ready needs every
 * master serving: the controllers replace masters one at a time only while the control plane is
 * ready, so a master that is down must stop them from taking a second one (and etcd's quorum).
 * The API keeps working meanwhile; the reason says whether it still has a majority.
 */
import type { ControlPlaneReadiness } from '@berth/controller-ports';
import type { KubeClient } from './kube-client.js';

export interface MasterAddress {
  name: string;
  address: string;
}

/** A leader lease renewed longer ago than this (its 15 s duration plus slack) has no leader. */
const LEASE_STALE_MS = 45_000;

export async function controlPlaneHealth(
  api: KubeClient,
  masters: MasterAddress[],
  now: Date,
  signal?: AbortSignal,
): Promise<ControlPlaneReadiness> {
  const opts = signal ? { signal } : {};
  const readyz = await api.raw('/readyz?verbose', opts);
  if (readyz.status !== 200) {
    const failing = readyz.text
      .split('\n')
      .filter((l) => l.startsWith('[-]'))
      .map((l) => l.slice(3).trim())
      .join('; ');
    return notReady(
      'ApiServerNotReady',
      `kube-apiserver at ${api.server} is not ready (${readyz.status}): ${failing || readyz.text.trim().slice(0, 200)}`,
    );
  }
  const serving = await servingAddresses(api, opts);
  const down = masters.filter((m) => !serving.has(m.address));
  if (down.length > 0) {
    const quorum = masters.length - down.length > masters.length / 2;
    return {
      ...notReady(
        quorum ? 'ControlPlaneDegraded' : 'MastersNotServing',
        `the API answers at ${api.server}, but kube-apiserver is not serving on ${describe(down)}` +
          ` (${masters.length - down.length}/${masters.length} masters serve)`,
      ),
      downMasters: down.map((m) => m.name),
    };
  }
  for (const component of ['kube-controller-manager', 'kube-scheduler'] as const) {
    const problem = await leaderProblem(api, component, now, opts);
    if (problem !== undefined)
      return notReady(`${pascal(component)}NotRunning`, `${component} ${problem}`);
  }
  return {
    ready: true,
    reason: 'ControlPlaneReady',
    message: `${masters.length}/${masters.length} masters serve the API at ${api.server}`,
  };
}

async function servingAddresses(api: KubeClient, opts: { signal?: AbortSignal }) {
  const list = await api.call(
    'list EndpointSlices of Service default/kubernetes',
    (k) =>
      k.discovery.listNamespacedEndpointSlice({
        namespace: 'default',
        labelSelector: 'kubernetes.io/service-name=kubernetes',
      }),
    opts,
  );
  return new Set(list.items.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses)));
}

async function leaderProblem(
  api: KubeClient,
  name: string,
  now: Date,
  opts: { signal?: AbortSignal },
): Promise<string | undefined> {
  const lease = await api.find(
    `read Lease kube-system/${name}`,
    (k) => k.coordination.readNamespacedLease({ namespace: 'kube-system', name }),
    opts,
  );
  const holder = lease?.spec?.holderIdentity;
  const renewed = lease?.spec?.renewTime;
  if (holder === undefined || renewed === undefined) return 'has not elected a leader yet';
  const age = now.getTime() - new Date(renewed).getTime();
  if (age > LEASE_STALE_MS)
    return `has no active leader: ${holder} last renewed its lease ${Math.round(age / 1000)}s ago`;
  return undefined;
}

function notReady(reason: string, message: string): ControlPlaneReadiness {
  return { ready: false, reason, message };
}

function describe(masters: MasterAddress[]): string {
  return masters.map((m) => `${m.name} (${m.address})`).join(', ');
}

function pascal(name: string): string {
  return name
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}
