import assert from 'node:assert/strict';
import type { SecurityGroupRuleInput } from '../security-groups.js';
import type { ConformanceEnv } from './env.js';
import { rejectsWithCode, type ScenarioGroup } from './scenario.js';

function createGroup(env: ConformanceEnv, suffix: string) {
  return env.provider.securityGroups.create(
    { name: env.name(suffix), tags: env.tags, description: `conformance ${suffix}` },
    env.signal,
  );
}

export const securityGroupScenarios: ScenarioGroup = {
  title: 'security groups',
  scenarios: [
    {
      name: 'a new group allows all egress; rules round-trip and are idempotent by content',
      async run(env) {
        const sg = env.provider.securityGroups;
        const group = await createGroup(env, 'master');
        assert.equal((await createGroup(env, 'master')).id, group.id, 'duplicate group');
        assert.equal(group.rules.length, 1);
        assert.deepEqual(
          { ...group.rules[0]!, id: '', description: '' },
          {
            id: '',
            securityGroupId: group.id,
            direction: 'egress',
            protocol: 'any',
            portRangeMin: null,
            portRangeMax: null,
            remoteIpPrefix: null,
            remoteGroupId: null,
            description: '',
          },
        );
        const api: SecurityGroupRuleInput = {
          securityGroupId: group.id,
          direction: 'ingress',
          protocol: 'tcp',
          portRangeMin: 6443,
          portRangeMax: 6443,
          remoteIpPrefix: '10.0.0.0/8',
          description: 'kube-apiserver',
        };
        const self: SecurityGroupRuleInput = {
          securityGroupId: group.id,
          direction: 'ingress',
          protocol: 'any',
          remoteGroupId: group.id,
        };
        const apiRule = await sg.addRule(api, env.signal);
        const selfRule = await sg.addRule(self, env.signal);
        assert.equal(
          (await sg.addRule({ ...api, description: 'again' }, env.signal)).id,
          apiRule.id,
        );
        assert.equal((await sg.addRule(self, env.signal)).id, selfRule.id);
        assert.deepEqual(apiRule, {
          id: apiRule.id,
          securityGroupId: group.id,
          direction: 'ingress',
          protocol: 'tcp',
          portRangeMin: 6443,
          portRangeMax: 6443,
          remoteIpPrefix: '10.0.0.0/8',
          remoteGroupId: null,
          description: 'kube-apiserver',
        });
        assert.equal(selfRule.remoteGroupId, group.id);
        const fetched = await sg.get({ id: group.id }, env.signal);
        assert.deepEqual(fetched.rules, [group.rules[0], apiRule, selfRule]);
        await sg.deleteRule({ id: apiRule.id }, env.signal);
        await sg.deleteRule({ id: apiRule.id }, env.signal);
        assert.deepEqual((await sg.get({ id: group.id }, env.signal)).rules, [
          group.rules[0],
          selfRule,
        ]);
      },
    },
    {
      name: 'malformed rules are rejected with VALIDATION',
      async run(env) {
        const group = await createGroup(env, 'base');
        const base = { securityGroupId: group.id, direction: 'ingress' } as const;
        const bad: [string, SecurityGroupRuleInput][] = [
          ['ports on icmp', { ...base, protocol: 'icmp', portRangeMin: 1, portRangeMax: 1 }],
          ['min above max', { ...base, protocol: 'tcp', portRangeMin: 90, portRangeMax: 80 }],
          ['port 0', { ...base, protocol: 'udp', portRangeMin: 0, portRangeMax: 10 }],
          ['port above 65535', { ...base, protocol: 'tcp', portRangeMin: 1, portRangeMax: 70000 }],
          [
            'two remotes',
            { ...base, protocol: 'tcp', remoteIpPrefix: '0.0.0.0/0', remoteGroupId: group.id },
          ],
          ['bad CIDR', { ...base, protocol: 'tcp', remoteIpPrefix: '10.0.0.1/8' }],
        ];
        for (const [what, rule] of bad) {
          await rejectsWithCode(
            env.provider.securityGroups.addRule(rule, env.signal),
            'BERTH_ERR_VALIDATION',
            what,
          );
        }
        assert.equal(
          (await env.provider.securityGroups.get({ id: group.id }, env.signal)).rules.length,
          1,
        );
      },
    },
    {
      name: 'a group in use by a server cannot be deleted; deleting a group drops rules naming it',
      async run(env) {
        const sg = env.provider.securityGroups;
        const used = await createGroup(env, 'minion');
        const peer = await createGroup(env, 'base');
        await sg.addRule(
          {
            securityGroupId: peer.id,
            direction: 'ingress',
            protocol: 'any',
            remoteGroupId: used.id,
          },
          env.signal,
        );
        const { subnet } = await env.network('net');
        const server = await env.server('vm', subnet, { securityGroupIds: [used.id] });
        assert.deepEqual(server.securityGroupIds, [used.id]);
        await rejectsWithCode(
          sg.delete({ id: used.id }, env.signal),
          'BERTH_ERR_CONFLICT',
          'delete in-use group',
        );
        await env.provider.servers.delete({ id: server.id }, env.signal);
        await sg.delete({ id: used.id }, env.signal);
        await sg.delete({ id: used.id }, env.signal);
        await rejectsWithCode(
          sg.get({ id: used.id }, env.signal),
          'BERTH_ERR_NOT_FOUND',
          'get deleted group',
        );
        const rules = (await sg.get({ id: peer.id }, env.signal)).rules;
        assert.ok(
          rules.every((r) => r.remoteGroupId !== used.id),
          'rule naming a deleted group kept',
        );
      },
    },
  ],
};
