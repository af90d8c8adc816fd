import assert from 'node:assert/strict';
import { cidrContains } from '@berth/net';
import { rejectsWithCode, type ScenarioGroup } from './scenario.js';

export const routerScenarios: ScenarioGroup = {
  title: 'routers',
  scenarios: [
    {
      name: 'gateway on the external network, interfaces at the subnet gateway, guarded delete',
      async run(env) {
        const { routers, networks } = env.provider;
        const { externalNetworkId } = await env.defaults();
        assert.ok(externalNetworkId, 'no external network');
        const { network, subnet } = await env.network('net');
        const input = {
          name: env.name('router'),
          tags: env.tags,
          externalGateway: { networkId: externalNetworkId },
        };
        const router = await routers.create(input, env.signal);
        assert.equal((await routers.create(input, env.signal)).id, router.id, 'duplicate router');
        const gateway = router.externalGateway;
        assert.ok(gateway, 'no gateway');
        assert.equal(gateway.networkId, externalNetworkId);
        assert.equal(gateway.enableSnat, true);
        const extSubnets = await networks.listSubnets({ networkId: externalNetworkId }, env.signal);
        assert.ok(
          extSubnets.some((s) => cidrContains(s.cidr, gateway.ip)),
          'gateway IP off-net',
        );
        const same = await routers.setGateway(
          { id: router.id, networkId: externalNetworkId },
          env.signal,
        );
        assert.equal(same.externalGateway?.ip, gateway.ip, 'repeated setGateway moved the address');
        await rejectsWithCode(
          routers.setGateway({ id: router.id, networkId: network.id }, env.signal),
          'BERTH_ERR_VALIDATION',
          'gateway on a tenant network',
        );

        const plugged = await routers.addInterface(
          { id: router.id, subnetId: subnet.id },
          env.signal,
        );
        await routers.addInterface({ id: router.id, subnetId: subnet.id }, env.signal);
        assert.equal(plugged.interfaces.length, 1);
        assert.equal(plugged.interfaces[0]?.ip, subnet.gatewayIp);
        assert.equal((await routers.get({ id: router.id }, env.signal)).interfaces.length, 1);
        await rejectsWithCode(
          routers.delete({ id: router.id }, env.signal),
          'BERTH_ERR_CONFLICT',
          'delete with interfaces',
        );
        await rejectsWithCode(
          networks.delete({ id: network.id }, env.signal),
          'BERTH_ERR_CONFLICT',
          'delete network in use',
        );

        await routers.removeInterface({ id: router.id, subnetId: subnet.id }, env.signal);
        await routers.removeInterface({ id: router.id, subnetId: subnet.id }, env.signal);
        const cleared = await routers.clearGateway({ id: router.id }, env.signal);
        assert.equal(cleared.externalGateway, null);
        await routers.delete({ id: router.id }, env.signal);
        await routers.delete({ id: router.id }, env.signal);
        await rejectsWithCode(
          routers.get({ id: router.id }, env.signal),
          'BERTH_ERR_NOT_FOUND',
          'get deleted router',
        );
      },
    },
    {
      name: 'static routes: replaced as a set, next hops on attached subnets, guard the interface',
      async run(env) {
        const { routers } = env.provider;
        const { subnet } = await env.network('rnet');
        const router = await routers.create({ name: env.name('rr'), tags: env.tags }, env.signal);
        assert.deepEqual(router.routes, [], 'a new router has routes');
        const nexthop = (n: number) => {
          const [a, b, c] = subnet.gatewayIp.split('.');
          return `${a}.${b}.${c}.${n}`;
        };
        await rejectsWithCode(
          routers.setRoutes(
            { id: router.id, routes: [{ destination: '10.250.1.0/24', nexthop: nexthop(20) }] },
            env.signal,
          ),
          'BERTH_ERR_VALIDATION',
          'next hop on a subnet the router is not on',
        );
        await routers.addInterface({ id: router.id, subnetId: subnet.id }, env.signal);
        const routes = [
          { destination: '10.250.2.0/24', nexthop: nexthop(21) },
          { destination: '10.250.1.0/24', nexthop: nexthop(20) },
        ];
        const set = await routers.setRoutes({ id: router.id, routes }, env.signal);
        assert.deepEqual(
          set.routes.map((r) => r.destination),
          ['10.250.1.0/24', '10.250.2.0/24'],
          'routes not sorted by destination',
        );
        assert.deepEqual((await routers.get({ id: router.id }, env.signal)).routes, set.routes);
        for (const [bad, field] of [
          [{ destination: '10.250.3.1/24', nexthop: nexthop(20) }, 'routes[0].destination'],
          [{ destination: 'ten', nexthop: nexthop(20) }, 'routes[0].destination'],
          [{ destination: '10.250.3.0/24', nexthop: 'x' }, 'routes[0].nexthop'],
        ] as const) {
          const err = await routers.setRoutes({ id: router.id, routes: [bad] }, env.signal).then(
            () => undefined,
            (e: unknown) => e as { code?: string; field?: string },
          );
          assert.equal(err?.code, 'BERTH_ERR_VALIDATION', `accepted ${JSON.stringify(bad)}`);
          assert.equal(err.field, field);
        }
        await rejectsWithCode(
          routers.setRoutes({ id: router.id, routes: [routes[0]!, routes[0]!] }, env.signal),
          'BERTH_ERR_VALIDATION',
          'the same destination twice',
        );
        const moved = await routers.setRoutes(
          { id: router.id, routes: [{ destination: '10.250.2.0/24', nexthop: nexthop(22) }] },
          env.signal,
        );
        assert.deepEqual(moved.routes, [{ destination: '10.250.2.0/24', nexthop: nexthop(22) }]);
        await rejectsWithCode(
          routers.removeInterface({ id: router.id, subnetId: subnet.id }, env.signal),
          'BERTH_ERR_CONFLICT',
          'unplug a subnet routes go through',
        );
        const cleared = await routers.setRoutes({ id: router.id, routes: [] }, env.signal);
        assert.deepEqual(cleared.routes, []);
        await routers.removeInterface({ id: router.id, subnetId: subnet.id }, env.signal);
        await routers.delete({ id: router.id }, env.signal);
      },
    },
  ],
};
