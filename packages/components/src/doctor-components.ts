/**
 * `berth doctor`'s cache probes: the default release's binaries, split into what a real worker
 * node runs (`node-components`) and everything else (`components`), so each miss is reported
 * once, with the install command that fixes it.
 */
import type { BinaryCheck } from './cache.js';
import type { DoctorCheck, DoctorDeps } from './doctor-probe.js';
import type { ComponentStore } from './store.js';

/** Everything of the default release but a real node's binaries (`node-components`). */
export async function checkComponents({ store }: DoctorDeps): Promise<DoctorCheck> {
  const release = store.versions.defaultRelease;
  const node = nodeBinaries(store);
  const missing = (await missingBinaries(store)).filter((b) => !node.includes(b.name));
  const ok = missing.length === 0;
  // Name the set (control-plane, images, …) of each miss: a host that runs only kwok nodes may
  // choose to install less, and the fix then says which set to install.
  const sets = Object.entries(store.versions.sets ?? {});
  const setOf = (binary: string) => sets.find(([, names]) => names.includes(binary))?.[0];
  const list = missing
    .map((b) => `${b.name} ${b.state}${setOf(b.name) ? ` (${setOf(b.name)})` : ''}`)
    .join(', ');
  return {
    name: 'components',
    ok,
    required: true,
    detail: ok
      ? `release ${release} installed and verified (control plane, images, platform, autoscaler)`
      : `release ${release}: ${list}`,
    ...(ok ? {} : { fix: `berth components install ${release}` }),
  };
}

/**
 * What a real worker node runs, from the cache: the `node` set of versions.json (containerd,
 * containerd-shim-runc-v2, ctr, runc, the CNI plugins, kubelet, kube-proxy).
 */
export async function checkNodeComponents({ store }: DoctorDeps): Promise<DoctorCheck> {
  const release = store.versions.defaultRelease;
  const node = nodeBinaries(store);
  if (node.length === 0)
    return {
      name: 'node-components',
      ok: false,
      required: true,
      detail: 'components/versions.json names no node set',
      fix: 'list the node binaries under sets.node in components/versions.json',
    };
  const missing = (await missingBinaries(store)).filter((b) => node.includes(b.name));
  const ok = missing.length === 0;
  return {
    name: 'node-components',
    ok,
    required: true,
    detail: ok
      ? `release ${release}: ${node.join(', ')} installed and verified`
      : `release ${release}: ${missing.map((b) => `${b.name} ${b.state}`).join(', ')}`,
    ...(ok ? {} : { fix: `berth components install ${release} --only node` }),
  };
}

function nodeBinaries(store: ComponentStore): string[] {
  return store.versions.sets?.node ?? [];
}

/**
 * The default release's buildable binaries that are missing or corrupt in the cache; addons'
 * binaries (`onlyWhenNamed`) are installed on demand, so their absence is no fault.
 */
async function missingBinaries(store: ComponentStore): Promise<BinaryCheck[]> {
  const statuses = await store.status(store.versions.defaultRelease);
  const onDemand = (name: string) => store.versions.components[name]?.onlyWhenNamed === true;
  return statuses
    .filter((s) => s.notBuildable === undefined && !onDemand(s.component))
    .flatMap((s) => s.binaries.filter((b) => b.state !== 'ok'));
}
