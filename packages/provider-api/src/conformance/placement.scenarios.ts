import assert from 'node:assert/strict';
import type { ServerGroupPolicy } from '../server-groups.js';
import type { ConformanceEnv } from './env.js';
import { rejectsWithCode, type ScenarioGroup } from './scenario.js';

async function groupOnSubnet(env: ConformanceEnv, policy: ServerGroupPolicy) {
  const { subnet } = await env.network('net');
  const { zone } = await env.defaults();
  const hypervisors = (await env.provider.catalog.listHypervisors({ zone }, env.signal)).filter(
    (h) => h.state === 'up',
  );
  const group = await env.provider.serverGroups.create(
    { name: env.name('group'), tags: env.tags, policy },
    env.signal,
  );
  return { subnet, group, hypervisorCount: hypervisors.length };
}

export const placementScenarios: ScenarioGroup = {
  title: 'server groups',
  scenarios: [
    {
      name: 'soft anti-affinity spreads members over distinct hypervisors when possible',
      async run(env) {
        const { subnet, group, hypervisorCount } = await groupOnSubnet(env, 'soft-anti-affinity');
        const again = await env.provider.serverGroups.create(
          { name: group.name, tags: env.tags, policy: group.policy },
          env.signal,
        );
        assert.equal(again.id, group.id, 'repeated create made a duplicate');
        const count = Math.min(hypervisorCount, 3) + 1;
        const members = [];
        for (let i = 0; i < count; i++) {
          members.push(await env.server(`m${i}`, subnet, { serverGroupId: group.id }));
        }
        const distinct = new Set(members.map((s) => s.hypervisor)).size;
        assert.equal(distinct, Math.min(count, hypervisorCount), 'members not spread');
        for (const m of members) assert.equal(m.serverGroupId, group.id);
        const fetched = await env.provider.serverGroups.get({ id: group.id }, env.signal);
        assert.deepEqual([...fetched.memberIds].sort(), members.map((m) => m.id).sort());
      },
    },
    {
      name: 'soft anti-affinity spreads members even over unevenly loaded hypervisors',
      async run(env) {
        const { subnet, group, hypervisorCount } = await groupOnSubnet(env, 'soft-anti-affinity');
        if (hypervisorCount < 2 || hypervisorCount > 4) {
          env.test.skip(`scenario needs 2–4 hypervisors in the zone, found ${hypervisorCount}`);
          return;
        }
        const fillers = [];
        for (let i = 0; i < 2 * hypervisorCount; i++)
          fillers.push(await env.server(`filler${i}`, subnet));
        const emptied = fillers[0]!.hypervisor;
        for (const f of fillers.filter((s) => s.hypervisor === emptied)) {
          await env.provider.servers.delete({ id: f.id }, env.signal);
        }
        const members = [];
        for (let i = 0; i < hypervisorCount; i++) {
          members.push(await env.server(`m${i}`, subnet, { serverGroupId: group.id }));
        }
        const placed = members.map((m) => m.hypervisor);
        assert.equal(
          new Set(placed).size,
          hypervisorCount,
          `members stacked: ${placed.join(', ')}`,
        );
      },
    },
    {
      name: 'hard anti-affinity refuses a member when every hypervisor holds one',
      needs: ['hardAntiAffinity'],
      async run(env) {
        const { subnet, group, hypervisorCount } = await groupOnSubnet(env, 'anti-affinity');
        if (hypervisorCount > 6) {
          env.test.skip(`zone has ${hypervisorCount} hypervisors; scenario limited to 6`);
          return;
        }
        for (let i = 0; i < hypervisorCount; i++) {
          await env.server(`m${i}`, subnet, { serverGroupId: group.id });
        }
        const { zone, flavor } = await env.defaults();
        await rejectsWithCode(
          env.provider.servers.create(
            {
              name: env.name('extra'),
              tags: env.tags,
              flavor,
              zone,
              ports: [{ networkId: subnet.networkId }],
              serverGroupId: group.id,
            },
            env.signal,
          ),
          'BERTH_ERR_PROVIDER_QUOTA',
          'one member too many',
        );
        const listed = await env.provider.servers.list({ tags: env.tags }, env.signal);
        assert.equal(listed.length, hypervisorCount, 'a refused server was left behind');
      },
    },
    {
      name: 'delete of a group is idempotent and leaves its members running',
      async run(env) {
        const { subnet, group } = await groupOnSubnet(env, 'soft-anti-affinity');
        const member = await env.server('m0', subnet, { serverGroupId: group.id });
        await env.provider.serverGroups.delete({ id: group.id }, env.signal);
        await env.provider.serverGroups.delete({ id: group.id }, env.signal);
        await rejectsWithCode(
          env.provider.serverGroups.get({ id: group.id }, env.signal),
          'BERTH_ERR_NOT_FOUND',
          'get deleted group',
        );
        const still = await env.provider.servers.get({ id: member.id }, env.signal);
        assert.equal(still.status, 'ACTIVE');
      },
    },
  ],
};
