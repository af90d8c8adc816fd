import assert from 'node:assert/strict';
import { ids, rejectsWithCode, type ScenarioGroup } from './scenario.js';

export const networkScenarios: ScenarioGroup = {
  title: 'networks',
  scenarios: [
    {
      name: 'create is idempotent by name and tags; other tags make another object',
      async run(env) {
        const { networks } = env.provider;
        const input = { name: env.name('net'), tags: env.tags };
        const first = await networks.create(input, env.signal);
        const again = await networks.create(input, env.signal);
        assert.equal(again.id, first.id, 'repeated create made a duplicate');
        assert.equal(first.external, false);
        assert.deepEqual(first.tags, env.tags);
        const otherTags = { ...env.tags, 'berth.dev/variant': 'b' };
        const other = await networks.create({ ...input, tags: otherTags }, env.signal);
        assert.notEqual(other.id, first.id);
        assert.deepEqual(
          ids(await networks.list({ tags: env.tags }, env.signal)),
          ids([first, other]),
        );
        assert.deepEqual(ids(await networks.list({ tags: otherTags }, env.signal)), [other.id]);
        assert.equal(
          (await networks.find({ name: input.name, tags: env.tags }, env.signal))?.id,
          first.id,
        );
        assert.equal(await networks.find({ name: env.name('absent') }, env.signal), undefined);
      },
    },
    {
      name: 'delete is idempotent and a deleted network is NOT_FOUND',
      async run(env) {
        const { networks } = env.provider;
        const { network, subnet } = await env.network('net');
        await networks.delete({ id: network.id }, env.signal);
        await networks.delete({ id: network.id }, env.signal);
        await rejectsWithCode(
          networks.get({ id: network.id }, env.signal),
          'BERTH_ERR_NOT_FOUND',
          'get deleted network',
        );
        await rejectsWithCode(
          networks.getSubnet({ id: subnet.id }, env.signal),
          'BERTH_ERR_NOT_FOUND',
          'subnet of deleted network',
        );
        assert.deepEqual(await networks.list({ tags: env.tags }, env.signal), []);
      },
    },
    {
      name: 'subnets default their gateway to the first host, are idempotent and never overlap',
      async run(env) {
        const { networks } = env.provider;
        const { network, subnet } = await env.network('net', '10.250.0.0/24');
        assert.equal(subnet.cidr, '10.250.0.0/24');
        assert.equal(subnet.gatewayIp, '10.250.0.1');
        assert.equal(subnet.networkId, network.id);
        const again = await networks.createSubnet(
          { name: subnet.name, tags: env.tags, networkId: network.id, cidr: subnet.cidr },
          env.signal,
        );
        assert.equal(again.id, subnet.id);
        assert.deepEqual((await networks.get({ id: network.id }, env.signal)).subnetIds, [
          subnet.id,
        ]);
        await rejectsWithCode(
          networks.createSubnet(
            {
              name: env.name('overlap'),
              tags: env.tags,
              networkId: network.id,
              cidr: '10.250.0.128/25',
            },
            env.signal,
          ),
          'BERTH_ERR_VALIDATION',
          'overlapping subnet',
        );
        await rejectsWithCode(
          networks.createSubnet(
            { name: env.name('bad'), tags: env.tags, networkId: network.id, cidr: '10.250.0.5/24' },
            env.signal,
          ),
          'BERTH_ERR_VALIDATION',
          'CIDR with host bits',
        );
        assert.deepEqual(ids(await networks.listSubnets({ networkId: network.id }, env.signal)), [
          subnet.id,
        ]);
        await networks.deleteSubnet({ id: subnet.id }, env.signal);
        await networks.deleteSubnet({ id: subnet.id }, env.signal);
        assert.deepEqual((await networks.get({ id: network.id }, env.signal)).subnetIds, []);
      },
    },
    {
      name: 'an external network exists, with a subnet',
      async run(env) {
        const { networks } = env.provider;
        const external = await networks.list({ external: true }, env.signal);
        assert.ok(external.length > 0, 'no external network');
        for (const n of external) assert.equal(n.external, true);
        const subnets = await networks.listSubnets({ networkId: external[0]!.id }, env.signal);
        assert.ok(subnets.length > 0, 'external network without subnet');
        const tenant = await networks.list({ external: false, tags: env.tags }, env.signal);
        assert.deepEqual(tenant, []);
      },
    },
    {
      name: 'a create referring to a missing network is NOT_FOUND and creates nothing',
      async run(env) {
        await rejectsWithCode(
          env.provider.networks.createSubnet(
            {
              name: env.name('orphan'),
              tags: env.tags,
              networkId: 'no-such-network',
              cidr: '10.250.9.0/24',
            },
            env.signal,
          ),
          'BERTH_ERR_NOT_FOUND',
          'subnet on missing network',
        );
        assert.deepEqual(
          await env.provider.networks.listSubnets({ tags: env.tags }, env.signal),
          [],
        );
      },
    },
  ],
};
