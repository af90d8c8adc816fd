/**
 * Phase 4: the control plane — 1, 3 or 5 master servers in a soft-anti-affinity server group,
 * spread over the cluster's zones, each at its fixed address, behind the API load balancer.
 * Readiness comes from the bootstrap (the real one asks the API through the load balancer).
 */
import type { Server } from '@berth/provider-api';
import { hashUserData } from '@berth/provider-api';
import { isOutdated } from '../rolling.js';
import { names, roleTags } from '../naming.js';
import type { MasterPlan } from '../ports.js';
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
  const building = masters.filter((m) => m.status !== 'ACTIVE');
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
  if (!readiness.ready) {
    wait(pass, ClusterConditions.controlPlane, readiness.reason, readiness.message);
    return;
  }
  condition(pass, ClusterConditions.controlPlane, 'True', readiness.reason, readiness.message);
  await replaceOneOutdatedMaster(pass, plans, masters);
}

/**
 * Rolls the control plane one master at a time, and only while every master is up and the
 * control plane is ready, so quorum is never lost by Berth's own action.
 */
async function replaceOneOutdatedMaster(
  pass: ClusterPass,
  plans: MasterPlan[],
  masters: Server[],
): Promise<void> {
  for (const [index, plan] of plans.entries()) {
    const master = masters[index]!;
    if (!isOutdated(master, await desiredUserData(pass, plan, plans))) continue;
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
    await pass.deps.provider.servers.delete({ id: master.id }, pass.signal);
    await pass.deps.store.recordEvent(pass.cluster.metadata.uid, {
      type: 'Normal',
      reason: 'MasterReplacing',
      message: `replacing master ${master.name}: it runs outdated user data`,
      object: { kind: 'Server', name: master.name },
    });
    await ensureMaster(pass, plan, plans);
    wait(
      pass,
      ClusterConditions.controlPlane,
      'RollingUpdate',
      `replaced master ${master.name}; rolling the control plane`,
    );
    return;
  }
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
    if (existing.status === 'ERROR') return provider.servers.reboot({ id: existing.id }, signal);
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
