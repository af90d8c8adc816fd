import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SecurityGroup } from '@berth/provider-api';
import { toAgentUserData } from './agent-user-data.js';
import { rulesFor } from './firewall-sync.js';
import { hostnameOf } from './server-runtime.js';

test('user data maps onto the server root and starts services in `after` order', () => {
  const agent = toAgentUserData({
    files: [{ path: '/etc/kubernetes/pki/ca.crt', content: 'x', mode: 0o600 }],
    services: [
      {
        name: 'apiserver',
        command: ['kube-apiserver', '--v=2'],
        after: ['etcd'],
        workingDir: '/var/lib',
      },
      { name: 'etcd', command: ['etcd'], restart: 'on-failure' },
    ],
  });
  assert.deepEqual(agent.files, [{ path: 'etc/kubernetes/pki/ca.crt', content: 'x', mode: 0o600 }]);
  assert.deepEqual(
    agent.services?.map((s) => [s.name, s.command, s.args, s.restart, s.cwd]),
    [
      ['etcd', 'etcd', [], 'on-failure', undefined],
      ['apiserver', 'kube-apiserver', ['--v=2'], 'always', 'var/lib'],
    ],
  );
  assert.throws(
    () =>
      toAgentUserData({
        files: [],
        services: [
          { name: 'a', command: ['a'], after: ['b'] },
          { name: 'b', command: ['b'], after: ['a'] },
        ],
      }),
    { code: 'BERTH_ERR_VALIDATION' },
  );
});

test('security-group rules become firewall rules with remote groups resolved', () => {
  const rule = (over: Partial<SecurityGroup['rules'][number]>) => ({
    id: 'r',
    securityGroupId: 'g1',
    direction: 'ingress' as const,
    protocol: 'tcp' as const,
    portRangeMin: null,
    portRangeMax: null,
    remoteIpPrefix: null,
    remoteGroupId: null,
    description: '',
    ...over,
  });
  const group: SecurityGroup = {
    id: 'g1',
    name: 'master',
    tags: {},
    createdAt: '',
    description: '',
    rules: [
      rule({ id: 'e', direction: 'egress', protocol: 'any' }),
      rule({ id: 'api', portRangeMin: 6443, portRangeMax: 6443, remoteIpPrefix: '10.0.0.0/8' }),
      rule({ id: 'peers', protocol: 'any', remoteGroupId: 'g1' }),
      rule({ id: 'vrrp', protocol: 'vrrp' }),
    ],
  };
  const rules = rulesFor(['g1'], new Map([['g1', group]]), () => ['10.0.0.5']);
  assert.deepEqual(rules, [
    { id: 'e', direction: 'egress', ethertype: 'IPv4' },
    {
      id: 'api',
      direction: 'ingress',
      ethertype: 'IPv4',
      protocol: 'tcp',
      portRangeMin: 6443,
      portRangeMax: 6443,
      remoteIpPrefix: '10.0.0.0/8',
    },
    { id: 'peers', direction: 'ingress', ethertype: 'IPv4', remoteGroupAddresses: ['10.0.0.5'] },
    { id: 'vrrp', direction: 'ingress', ethertype: 'IPv4', protocol: 112 },
  ]);
  assert.equal(
    rulesFor([], new Map(), () => []),
    undefined,
    'no groups, no filter',
  );
});

test('hostnames are DNS labels', () => {
  assert.equal(hostnameOf('Demo_Master 0'), 'demo-master-0');
  assert.equal(hostnameOf('___'), 'server');
  assert.equal(hostnameOf('x'.repeat(80)).length, 63);
});
