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
  ],
};
