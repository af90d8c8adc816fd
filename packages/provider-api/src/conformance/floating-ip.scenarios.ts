import assert from 'node:assert/strict';
import { cidrContains } from '@berth/net';
import type { FloatingIp } from '../floating-ips.js';
import type { Subnet } from '../networks.js';
import type { ConformanceEnv } from './env.js';
import { createLoadBalancer } from './lb-helpers.js';
import { rejectsWithCode, type ScenarioGroup } from './scenario.js';

/** A tenant subnet routed to the external network, as a cluster's network is. */
async function routedSubnet(env: ConformanceEnv): Promise<{ subnet: Subnet; routerId: string }> {
  const { externalNetworkId } = await env.defaults();
  const { subnet } = await env.network('net');
  const router = await env.provider.routers.create(
    { name: env.name('router'), tags: env.tags, externalGateway: { networkId: externalNetworkId } },
    env.signal,
  );
  await env.provider.routers.addInterface({ id: router.id, subnetId: subnet.id }, env.signal);
  return { subnet, routerId: router.id };
}

async function allocate(env: ConformanceEnv, suffix: string): Promise<FloatingIp> {
  const { externalNetworkId } = await env.defaults();
  return env.provider.floatingIps.create(
    { name: env.name(suffix), tags: env.tags, floatingNetworkId: externalNetworkId },
    env.signal,
  );
}

function waitForFip(env: ConformanceEnv, id: string, status: FloatingIp['status']) {
  return env.waitFor(
    `floating IP ${id} to be ${status}`,
    () => env.provider.floatingIps.get({ id }, env.signal),
    (f) => f.status === status,
  );
}

export const floatingIpScenarios: ScenarioGroup = {
  title: 'floating IPs',
  scenarios: [
    {
      name: 'allocate, associate to a server port, move, disassociate, release',
      needs: ['floatingIps'],
      async run(env) {
        const fips = env.provider.floatingIps;
        const { externalNetworkId } = await env.defaults();
        const { subnet, routerId } = await routedSubnet(env);
        const [a, b] = [await env.server('a', subnet), await env.server('b', subnet)];
        const fip = await allocate(env, 'fip');
        assert.equal((await allocate(env, 'fip')).id, fip.id, 'duplicate floating IP');
        const extSubnets = await env.provider.networks.listSubnets(
          { networkId: externalNetworkId },
          env.signal,
        );
        assert.ok(
          extSubnets.some((s) => cidrContains(s.cidr, fip.address)),
          'address off the external net',
        );
        assert.deepEqual([fip.portId, fip.fixedIp, fip.status], [null, null, 'DOWN']);

        const portA = a.ports[0]!;
        const onA = await fips.associate({ id: fip.id, portId: portA.id }, env.signal);
        assert.deepEqual(
          [onA.portId, onA.fixedIp, onA.routerId],
          [portA.id, portA.fixedIp, routerId],
        );
        await waitForFip(env, fip.id, 'ACTIVE');
        assert.deepEqual(
          (await fips.list({ portId: portA.id }, env.signal)).map((f) => f.id),
          [fip.id],
        );
        const portB = b.ports[0]!;
        const onB = await fips.associate({ id: fip.id, portId: portB.id }, env.signal);
        assert.equal(onB.fixedIp, portB.fixedIp);
        assert.equal(onB.address, fip.address, 'moving changed the address');
        assert.deepEqual(await fips.list({ portId: portA.id }, env.signal), []);

        await fips.disassociate({ id: fip.id }, env.signal);
        const loose = await waitForFip(env, fip.id, 'DOWN');
        assert.deepEqual([loose.portId, loose.fixedIp], [null, null]);
        await fips.disassociate({ id: fip.id }, env.signal);

        await fips.associate({ id: fip.id, portId: portA.id }, env.signal);
        await env.provider.servers.delete({ id: a.id }, env.signal);
        assert.equal(
          (await fips.get({ id: fip.id }, env.signal)).portId,
          null,
          'kept a deleted port',
        );
        await fips.delete({ id: fip.id }, env.signal);
        await fips.delete({ id: fip.id }, env.signal);
        await rejectsWithCode(
          fips.get({ id: fip.id }, env.signal),
          'BERTH_ERR_NOT_FOUND',
          'get released fip',
        );
      },
    },
    {
      name: 'association needs a router between the port and the external network',
      needs: ['floatingIps'],
      async run(env) {
        const { subnet } = await env.network('isolated');
        const server = await env.server('vm', subnet);
        const fip = await allocate(env, 'fip');
        await rejectsWithCode(
          env.provider.floatingIps.associate(
            { id: fip.id, portId: server.ports[0]!.id },
            env.signal,
          ),
          'BERTH_ERR_CONFLICT',
          'associate without a router',
        );
        await rejectsWithCode(
          env.provider.floatingIps.associate({ id: fip.id, portId: 'no-such-port' }, env.signal),
          'BERTH_ERR_NOT_FOUND',
          'associate to a missing port',
        );
      },
    },
    {
      name: 'a floating IP on a load balancer VIP; deleting the load balancer disassociates it',
      needs: ['floatingIps', 'loadBalancers'],
      async run(env) {
        const { subnet } = await routedSubnet(env);
        const lb = await createLoadBalancer(env, 'api', subnet);
        const fip = await allocate(env, 'api-fip');
        const public_ = await env.provider.floatingIps.associate(
          { id: fip.id, portId: lb.vipPortId },
          env.signal,
        );
        assert.equal(public_.fixedIp, lb.vipAddress);
        await env.provider.loadBalancers.delete({ id: lb.id }, env.signal);
        assert.equal((await env.provider.floatingIps.get({ id: fip.id }, env.signal)).portId, null);
      },
    },
  ],
};
