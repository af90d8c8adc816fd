/**
 * Phase 4: the control plane — 1, 3 or 5 master servers in a soft-anti-affinity server group,
 * spread over the cluster's zones, each at its fixed address, behind the API load balancer.
 * Readiness comes from the bootstrap (the real one asks the API through the load balancer).
 */
import type { Server, UserData } from '@berth/provider-api';
import { hashUserData } from '@berth/provider-api';
import { isOutdated } from '../rolling.js';
import { names, roleTags } from '../naming.js';
import type { ControlPlaneReadiness, MasterPlan } from '@berth/controller-ports';
import { masterAddress } from './addresses.js';
import { syncApiMembers } from './api-load-balancer.js';
import { ClusterConditions, condition, wait, type ClusterPass } from './context.js';

export function masterPlans(pass: ClusterPass): MasterPlan[] {
  const { cluster } = pass;
  const zones = cluster.spec.zones;
  return Array.from({ length: cluster.spec.controlPlane.count }, (_, i) => ({
    name: names.master(cluster, i),
    address: masterAddress(cluster.spec.network.subnetCidr, i),
    zone: zones[i % zones.length]!,
  }));
}

export async function reconcileMasters(pass: ClusterPass): Promise<void> {
  const plans = masterPlans(pass);
  const masters: Server[] = [];
  for (const plan of plans) masters.push(await ensureMaster(pass, plan, plans));
  const building = masters.filter((m) => m.status !== 'ACTIVE' && m.status !== 'ERROR');
  if (building.length > 0) {
    const list = building.map((m) => `${m.name} ${m.status}`).join(', ');
    wait(pass, ClusterConditions.controlPlane, 'MastersStarting', `waiting for masters: ${list}`);
    return;
  }
  await syncApiMembers(pass, masters);
  const readiness = await pass.deps.bootstrap.controlPlaneReadiness(
    { cluster: pass.cluster, masters, vipAddress: pass.vipAddress! },
    pass.signal,
  );
  const failed = masters.filter((m) => m.status === 'ERROR');
  if (!readiness.ready || failed.length > 0) {
    await repairOrWait(pass, plans, masters, readiness);
    return;
  }
  pass.deps.masterDowntime.judge(masters, new Set(), pass.deps.now());
  condition(pass, ClusterConditions.controlPlane, 'True', readiness.reason, readiness.message);
  const outdated = await outdatedMasters(pass, plans, masters);
  pass.mastersOutdated = outdated.length;
  // Node groups follow `controlPlaneVersion`: it moves only once every master is up, ready and
  // runs the new release, so no kubelet is ever newer than an API server.
  if (outdated.length === 0) pass.status.controlPlaneVersion = pass.cluster.spec.version;
  else await replaceOutdatedMaster(pass, plans, masters, outdated[0]!);
}

/**
 * The control plane is not ready. When the cause is masters that are down (ERROR, or not
 * serving while the API answers), the one down longest is replaced once the repair policy
 * allows; otherwise the condition says what is wrong and when a replacement would happen.
 */
async function repairOrWait(
  pass: ClusterPass,
  plans: MasterPlan[],
  masters: Server[],
  readiness: ControlPlaneReadiness,
): Promise<void> {
  const failed = masters.filter((m) => m.status === 'ERROR');
  const down = new Set([...failed.map((m) => m.name), ...(readiness.downMasters ?? [])]);
  let reason = readiness.reason;
  let message = readiness.message;
  if (readiness.ready) {
    reason = 'MastersDown';
    message = `masters in ERROR: ${failed.map((m) => m.name).join(', ')}`;
  }
  const verdict = pass.deps.masterDowntime.judge(masters, down, pass.deps.now());
  // Replacing needs an API that answers, so the new member can find its peers.
  const apiAnswers = readiness.ready || readiness.downMasters !== undefined;
  const refusal = replacementRefusal(pass, masters);
  if (verdict.replace !== undefined && apiAnswers && refusal === undefined) {
    const victim = verdict.replace;
    const plan = plans.find((p) => p.name === victim.name)!;
    await replaceMaster(pass, plan, plans, victim, 'MasterReplaced', 'it stayed down');
    wait(
      pass,
      ClusterConditions.controlPlane,
      'MasterReplacing',
      `replacing ${victim.name}: it stayed down`,
    );
    return;
  }
  if (down.size > 0 && refusal === undefined && verdict.waiting !== undefined) {
    message = `${message}; ${verdict.waiting}`;
  }
  wait(pass, ClusterConditions.controlPlane, reason, message);
}

/** Deletes a master's server and creates its successor in the same slot (name, address, zone). */
async function replaceMaster(
  pass: ClusterPass,
  plan: MasterPlan,
  plans: MasterPlan[],
  master: Server,
  reason: string,
  why: string,
): Promise<void> {
  await pass.deps.provider.servers.delete({ id: master.id }, pass.signal);
  pass.deps.masterDowntime.forget(master.id);
  await pass.deps.store.recordEvent(pass.cluster.metadata.uid, {
    type: reason === 'MasterReplaced' ? 'Warning' : 'Normal',
    reason,
    message: `replacing master ${master.name}: ${why}`,
    object: { kind: 'Server', name: master.name },
  });
  await ensureMaster(pass, plan, plans);
}

/** The slots whose master runs other user data (or flavor) than its plan now asks for. */
async function outdatedMasters(
  pass: ClusterPass,
  plans: MasterPlan[],
  masters: Server[],
): Promise<{ index: number; userData: UserData }[]> {
  const flavor = pass.cluster.spec.controlPlane.flavor;
  const outdated: { index: number; userData: UserData }[] = [];
  for (const [index, plan] of plans.entries()) {
    const userData = await desiredUserData(pass, plan, plans);
    if (isOutdated(masters[index]!, { flavor, userData })) outdated.push({ index, userData });
  }
  return outdated;
}

/**
 * Rolls the control plane one master at a time, and only while every master is up and the
 * control plane is ready, so quorum is never lost by Berth's own action.
 */
async function replaceOutdatedMaster(
  pass: ClusterPass,
  plans: MasterPlan[],
  masters: Server[],
  outdated: { index: number; userData: UserData },
): Promise<void> {
  const plan = plans[outdated.index]!;
  const master = masters[outdated.index]!;
  if (plans.length === 1 && master.flavor === pass.cluster.spec.controlPlane.flavor) {
    await rebuildLoneMaster(pass, master, outdated.userData);
    return;
  }
  const refusal = replacementRefusal(pass, masters);
  if (refusal !== undefined) {
    wait(
      pass,
      ClusterConditions.controlPlane,
      'ReplacementUnsafe',
      `${master.name} runs outdated user data but is not replaced: ${refusal}`,
    );
    return;
  }
  await replaceMaster(pass, plan, plans, master, 'MasterReplacing', 'it runs outdated user data');
  wait(
    pass,
    ClusterConditions.controlPlane,
    'RollingUpdate',
    `replaced master ${master.name}; rolling the control plane`,
  );
}

/**
 * A lone master holds the only copy of etcd's data, so it is never replaced: new user data
 * (certificates, a new release's flags) reaches it by a rebuild that keeps its disk. Its API is
 * down while its services restart (tens of seconds); HA control planes roll instead.
 */
async function rebuildLoneMaster(pass: ClusterPass, master: Server, userData: UserData) {
  await pass.deps.store.recordEvent(pass.cluster.metadata.uid, {
    type: 'Normal',
    reason: 'MasterRebuilding',
    message: `rebuilding master ${master.name} in place with new user data: it is the only master, so its disk (etcd's data) is kept and its API is unavailable while it restarts`,
    object: { kind: 'Server', name: master.name },
  });
  await pass.deps.provider.servers.rebuild({ id: master.id, userData }, pass.signal);
  pass.deps.masterDowntime.forget(master.id);
  wait(
    pass,
    ClusterConditions.controlPlane,
    'RollingUpdate',
    `rebuilt master ${master.name} in place; waiting for its API`,
  );
}

function desiredUserData(pass: ClusterPass, plan: MasterPlan, plans: MasterPlan[]) {
  return pass.deps.bootstrap.masterUserData(
    {
      cluster: pass.cluster,
      master: plan,
      masters: plans,
      apiAddress: pass.apiAddress!,
      vipAddress: pass.vipAddress!,
    },
    pass.signal,
  );
}

async function ensureMaster(
  pass: ClusterPass,
  plan: MasterPlan,
  plans: MasterPlan[],
): Promise<Server> {
  const { provider, bootstrap } = pass.deps;
  const { cluster, signal } = pass;
  const tags = roleTags(cluster, 'master');
  const existing = await provider.servers.find({ name: plan.name, tags }, signal);
  if (existing !== undefined) {
    if (existing.status === 'SHUTOFF') return provider.servers.start({ id: existing.id }, signal);
    // A master with etcd peers waits for the repair policy (see master-repair.ts); a lone one
    // is rebooted, as its disk holds the only copy of the cluster's data.
    if (existing.status === 'ERROR' && plans.length < 3)
      return provider.servers.reboot({ id: existing.id }, signal);
    return existing;
  }
  const group = await provider.serverGroups.create(
    { name: names.masterGroup(cluster), tags, policy: 'soft-anti-affinity' },
    signal,
  );
  const userData = await bootstrap.masterUserData(
    {
      cluster,
      master: plan,
      masters: plans,
      apiAddress: pass.apiAddress!,
      vipAddress: pass.vipAddress!,
    },
    signal,
  );
  const ids = pass.securityGroupIds!;
  const server = await provider.servers.create(
    {
      name: plan.name,
      tags,
      flavor: cluster.spec.controlPlane.flavor,
      zone: plan.zone,
      ports: [{ networkId: pass.network!.id, subnetId: pass.subnet!.id, fixedIp: plan.address }],
      securityGroupIds: [ids.base, ids.master],
      serverGroupId: group.id,
      userData,
      metadata: { 'berth.dev/role': 'master', 'berth.dev/user-data-hash': hashUserData(userData) },
    },
    signal,
  );
  await pass.deps.store.recordEvent(cluster.metadata.uid, {
    type: 'Normal',
    reason: 'MasterCreated',
    message: `master ${server.name} created in ${server.zone} on ${server.hypervisor}`,
    object: { kind: 'Server', name: server.name },
  });
  return server;
}

/** Every master server of the cluster (for power and teardown). */
export async function listMasters(pass: ClusterPass): Promise<Server[]> {
  return pass.deps.provider.servers.list({ tags: roleTags(pass.cluster, 'master') }, pass.signal);
}

export async function deleteMasters(pass: ClusterPass): Promise<void> {
  const { provider } = pass.deps;
  const { cluster, signal } = pass;
  for (const server of await listMasters(pass))
    await provider.servers.delete({ id: server.id }, signal);
  const group = await provider.serverGroups.find(
    { name: names.masterGroup(cluster), tags: roleTags(cluster, 'master') },
    signal,
  );
  if (group !== undefined) await provider.serverGroups.delete({ id: group.id }, signal);
}

function replacementRefusal(pass: ClusterPass, masters: Server[]): string | undefined {
  const { bootstrap } = pass.deps;
  if (bootstrap.masterReplacementRefusal !== undefined) {
    return bootstrap.masterReplacementRefusal({
      cluster: pass.cluster,
      masters,
      vipAddress: pass.vipAddress!,
    });
  }
  return masters.length < 3
    ? `a control plane of ${masters.length} master(s) has no etcd peer to rejoin, so its data would be lost`
    : undefined;
}
