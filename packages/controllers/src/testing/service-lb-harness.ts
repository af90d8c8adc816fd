/**
 * Test harness for the Service load-balancer reconciler: a Running cluster made by the real
 * cluster controllers on the memory provider, a fake cluster API at the ClusterServicesApi
 * boundary, and views of the provider objects a Service owns.
 */
import { parseCidr } from '@berth/net';
import type { TestContext } from 'node:test';
import { until } from '@berth/test-kit';
import assert from 'node:assert/strict';
import type { Cluster } from '@berth/api-types';
import { silentLogger } from '@berth/controller-kit';
import { createCluster, startWorld, type World } from './world.js';
import { FakeServicesApi } from './fake-services-api.js';
import { ServiceLoadBalancerReconciler } from '../services/service-reconciler.js';

export const never: AbortSignal = new AbortController().signal;
export const PEM = {
  certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  privateKeyPem: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
};

export interface Harness {
  world: World;
  cluster: Cluster;
  api: FakeServicesApi;
  pass(): Promise<void>;
  lbOf(serviceUid: string): Promise<LbView | undefined>;
  counts(): Promise<{ lbs: number; fips: number }>;
}

export interface LbView {
  vipAddress: string;
  topology: string;
  listeners: string[];
  members: string[];
  fip: string | undefined;
}

export async function harness(t: TestContext): Promise<Harness> {
  const world = await startWorld();
  t.after(() => world.stop());
  const created = createCluster(world, `svc${Math.floor(Math.random() * 1e6)}`, {
    nodeGroups: [{ name: 'default', count: 2 }],
  });
  const uid = created.metadata.uid;
  await until('Running', () => world.store.clusters.get(uid)?.status.phase === 'Running', {
    intervalMs: 20,
  });
  const api = new FakeServicesApi();
  const workers = await world.provider.servers.list(
    { tags: { 'berth.dev/cluster': uid, 'berth.dev/role': 'worker' } },
    never,
  );
  api.nodes = workers.map((s, i) => ({
    name: s.name,
    internalIp: s.ports[0]!.fixedIp,
    ready: true,
    excluded: false,
    podCidrs: [`10.100.${i}.0/24`],
  }));
  const reconciler = new ServiceLoadBalancerReconciler({
    store: world.store,
    provider: world.provider,
    services: api,
    logger: silentLogger(),
  });
  const lbs = world.provider.loadBalancers;
  const svcTags = (role: string, serviceUid: string) => ({
    tags: { 'berth.dev/cluster': uid, 'berth.dev/role': role, 'berth.dev/service': serviceUid },
  });
  return {
    world,
    cluster: world.store.clusters.get(uid)!,
    api,
    pass: async () => {
      const result = await reconciler.reconcile(uid, never);
      assert.ok(result && result.requeueAfterMs! <= 3000, 'a serving cluster is re-read soon');
    },
    lbOf: async (serviceUid) => {
      const [lb, more] = await lbs.list(svcTags('service-lb', serviceUid), never);
      if (lb === undefined) return undefined;
      assert.equal(more, undefined, 'one load balancer per Service');
      const listeners = await lbs.listListeners({ loadBalancerId: lb.id }, never);
      const pools = await lbs.listPools({ loadBalancerId: lb.id }, never);
      assert.equal(pools.length, listeners.length, 'one pool per listener, none detached');
      const members: string[] = [];
      const described: string[] = [];
      for (const l of listeners.sort((a, b) => a.protocolPort - b.protocolPort)) {
        const pool = pools.find((p) => p.listenerId === l.id)!;
        const headers = [
          ...(l.insertHeaders.xForwardedFor ? [' +XFF'] : []),
          ...(l.insertHeaders.xForwardedProto ? [' +XFP'] : []),
        ].join('');
        described.push(`${l.protocolPort} ${l.protocol}/${pool.protocol}${headers}`);
        for (const m of await lbs.listMembers({ poolId: pool.id }, never))
          members.push(`${l.protocolPort}→${m.address}:${m.protocolPort}`);
      }
      const fips = await world.provider.floatingIps.list(svcTags('service-fip', serviceUid), never);
      assert.ok(fips.length <= 1, 'at most one floating IP per Service');
      return {
        vipAddress: lb.vipAddress,
        topology: lb.topology,
        listeners: described,
        members: members.sort(),
        fip: fips[0]?.address,
      };
    },
    counts: async () => ({
      lbs: (
        await lbs.list(
          { tags: { 'berth.dev/cluster': uid, 'berth.dev/role': 'service-lb' } },
          never,
        )
      ).length,
      fips: (
        await world.provider.floatingIps.list(
          { tags: { 'berth.dev/cluster': uid, 'berth.dev/role': 'service-fip' } },
          never,
        )
      ).length,
    }),
  };
}

export function inCidr(address: string, cidr: string): boolean {
  const { network, prefix } = parseCidr(cidr);
  const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
  const value = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  return value >>> (32 - prefix) === network >>> (32 - prefix);
}
