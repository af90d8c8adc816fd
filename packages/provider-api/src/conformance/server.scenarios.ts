import assert from 'node:assert/strict';
import { cidrContains } from '@berth/net';
import { hashUserData, type UserData } from '../user-data.js';
import { ids, rejectsWithCode, type ScenarioGroup } from './scenario.js';

const USER_DATA: UserData = {
  files: [{ path: '/etc/berth/hello.txt', content: 'hello', mode: 0o600 }],
  services: [{ name: 'idle', command: ['sleep', '3600'] }],
};

export const serverScenarios: ScenarioGroup = {
  title: 'servers',
  scenarios: [
    {
      name: 'lifecycle: create → ACTIVE, stop → SHUTOFF, start → ACTIVE, reboot → ACTIVE',
      async run(env) {
        const { servers, catalog } = env.provider;
        const { zone, flavor } = await env.defaults();
        const { subnet } = await env.network('net');
        const server = await env.server('vm', subnet, {
          userData: USER_DATA,
          metadata: { node: 'worker-0' },
        });
        assert.equal(server.flavor, flavor);
        assert.equal(server.zone, zone);
        const hypervisors = await catalog.listHypervisors({ zone }, env.signal);
        assert.ok(
          hypervisors.some((h) => h.name === server.hypervisor),
          'hypervisor not in zone',
        );
        assert.equal(server.ports.length, 1);
        const port = server.ports[0]!;
        assert.equal(port.subnetId, subnet.id);
        assert.ok(
          cidrContains(subnet.cidr, port.fixedIp),
          `${port.fixedIp} outside ${subnet.cidr}`,
        );
        assert.notEqual(port.fixedIp, subnet.gatewayIp);
        assert.deepEqual(server.metadata, { node: 'worker-0' });
        assert.equal(server.userDataHash, hashUserData(USER_DATA));
        assert.equal(server.fault, null);
        assert.ok(!JSON.stringify(server).includes('/etc/berth/hello.txt'), 'user data leaked');

        await servers.stop({ id: server.id }, env.signal);
        await env.waitForServer(server.id, 'SHUTOFF');
        await servers.stop({ id: server.id }, env.signal);
        await env.waitForServer(server.id, 'SHUTOFF');
        await servers.start({ id: server.id }, env.signal);
        await env.waitForServer(server.id, 'ACTIVE');
        await servers.reboot({ id: server.id }, env.signal);
        const rebooted = await env.waitForServer(server.id, 'ACTIVE');
        assert.equal(rebooted.ports[0]?.fixedIp, port.fixedIp, 'reboot changed the address');
      },
    },
    {
      name: 'rebuild: new user data on the same server (id, address kept), ACTIVE again',
      async run(env) {
        const { servers } = env.provider;
        const { subnet } = await env.network('net');
        const server = await env.server('vm', subnet, { userData: USER_DATA });
        const next: UserData = {
          files: [{ path: '/etc/berth/hello.txt', content: 'hello again', mode: 0o600 }],
          services: [{ name: 'idle', command: ['sleep', '3601'] }],
        };
        await servers.rebuild({ id: server.id, userData: next }, env.signal);
        const rebuilt = await env.waitForServer(server.id, 'ACTIVE');
        assert.equal(rebuilt.userDataHash, hashUserData(next));
        assert.notEqual(rebuilt.userDataHash, server.userDataHash);
        assert.equal(rebuilt.name, server.name);
        assert.equal(rebuilt.ports[0]?.fixedIp, server.ports[0]?.fixedIp, 'rebuild moved it');
        assert.deepEqual(ids(await servers.list({ tags: env.tags }, env.signal)), [server.id]);
        await rejectsWithCode(
          servers.rebuild({ id: 'no-such-server', userData: next }, env.signal),
          'BERTH_ERR_NOT_FOUND',
          'rebuild of a missing server',
        );
      },
    },
    {
      name: 'create is idempotent, list by tags finds it, delete is idempotent',
      async run(env) {
        const { servers } = env.provider;
        const { zone, flavor } = await env.defaults();
        const { subnet } = await env.network('net');
        const input = {
          name: env.name('vm'),
          tags: env.tags,
          flavor,
          zone,
          ports: [{ networkId: subnet.networkId }],
        };
        const first = await servers.create(input, env.signal);
        const again = await servers.create(input, env.signal);
        assert.equal(again.id, first.id, 'repeated create made a duplicate');
        assert.deepEqual(ids(await servers.list({ tags: env.tags }, env.signal)), [first.id]);
        assert.equal(
          (await servers.find({ name: input.name, tags: env.tags }, env.signal))?.id,
          first.id,
        );
        await servers.delete({ id: first.id }, env.signal);
        await servers.delete({ id: first.id }, env.signal);
        await rejectsWithCode(
          servers.get({ id: first.id }, env.signal),
          'BERTH_ERR_NOT_FOUND',
          'get deleted server',
        );
        await rejectsWithCode(
          servers.stop({ id: first.id }, env.signal),
          'BERTH_ERR_NOT_FOUND',
          'stop deleted server',
        );
        assert.deepEqual(await servers.list({ tags: env.tags }, env.signal), []);
      },
    },
    {
      name: 'an unknown flavor or zone is rejected and creates nothing',
      async run(env) {
        const { servers } = env.provider;
        const { zone, flavor } = await env.defaults();
        const { subnet } = await env.network('net');
        const base = { tags: env.tags, ports: [{ networkId: subnet.networkId }] };
        await rejectsWithCode(
          servers.create(
            { ...base, name: env.name('a'), flavor: 'no-such-flavor', zone },
            env.signal,
          ),
          'BERTH_ERR_VALIDATION',
          'unknown flavor',
        );
        await rejectsWithCode(
          servers.create(
            { ...base, name: env.name('b'), flavor, zone: 'no-such-zone' },
            env.signal,
          ),
          'BERTH_ERR_VALIDATION',
          'unknown zone',
        );
        assert.deepEqual(await servers.list({ tags: env.tags }, env.signal), []);
      },
    },
    {
      name: 'IPAM gives unique addresses inside the subnet, never the gateway, until exhausted',
      async run(env) {
        const { servers } = env.provider;
        const { zone, flavor } = await env.defaults();
        const { subnet } = await env.network('small', env.options.smallSubnetCidr);
        const create = (i: number) =>
          servers.create(
            {
              name: env.name(`vm${i}`),
              tags: env.tags,
              flavor,
              zone,
              ports: [{ networkId: subnet.networkId }],
            },
            env.signal,
          );
        const made = await Promise.all([0, 1, 2, 3, 4].map(create));
        const addresses = made.map((s) => s.ports[0]!.fixedIp);
        assert.equal(new Set(addresses).size, 5, `duplicate addresses: ${addresses.join(', ')}`);
        for (const a of addresses) {
          assert.ok(cidrContains(subnet.cidr, a), `${a} outside ${subnet.cidr}`);
          assert.notEqual(a, subnet.gatewayIp, 'handed out the gateway');
        }
        await rejectsWithCode(create(5), 'BERTH_ERR_PROVIDER_QUOTA', 'sixth server on a /29');
        const freed = made[2]!;
        await servers.delete({ id: freed.id }, env.signal);
        const replacement = await create(6);
        assert.equal(
          replacement.ports[0]?.fixedIp,
          freed.ports[0]?.fixedIp,
          'freed address not reused',
        );
        await rejectsWithCode(
          servers.create(
            {
              name: env.name('taken'),
              tags: env.tags,
              flavor,
              zone,
              ports: [{ networkId: subnet.networkId, fixedIp: addresses[0]! }],
            },
            env.signal,
          ),
          'BERTH_ERR_CONFLICT',
          'fixed IP already in use',
        );
      },
    },
  ],
};
