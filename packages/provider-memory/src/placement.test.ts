import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseHypervisor } from './placement.js';
import { hypervisorsPerZone } from './catalog-config.js';

const hypervisors = hypervisorsPerZone(['az1', 'az2'], 3);
const on = (hypervisor: string, serverGroupId: string | null = null) => ({
  hypervisor,
  serverGroupId,
});

test('placement table', () => {
  const soft = { id: 'g', policy: 'soft-anti-affinity' } as const;
  const hard = { id: 'g', policy: 'anti-affinity' } as const;
  const cases: [string, Parameters<typeof chooseHypervisor>[0], string | undefined][] = [
    ['empty zone: first by name', { zone: 'az1', hypervisors, servers: [] }, 'az1-hv1'],
    [
      'no group: least loaded',
      { zone: 'az1', hypervisors, servers: [on('az1-hv1'), on('az1-hv2')] },
      'az1-hv3',
    ],
    ['only the asked zone', { zone: 'az2', hypervisors, servers: [] }, 'az2-hv1'],
    [
      'soft: fewest members beats lighter load',
      {
        zone: 'az1',
        hypervisors,
        servers: [on('az1-hv1', 'g'), on('az1-hv2'), on('az1-hv2'), on('az1-hv3'), on('az1-hv3')],
        group: soft,
      },
      'az1-hv2',
    ],
    [
      'soft: all hold a member, still places',
      {
        zone: 'az1',
        hypervisors,
        servers: [on('az1-hv1', 'g'), on('az1-hv2', 'g'), on('az1-hv3', 'g')],
        group: soft,
      },
      'az1-hv1',
    ],
    [
      'hard: all hold a member, refuses',
      {
        zone: 'az1',
        hypervisors,
        servers: [on('az1-hv1', 'g'), on('az1-hv2', 'g'), on('az1-hv3', 'g')],
        group: hard,
      },
      undefined,
    ],
    [
      'other groups do not count',
      {
        zone: 'az1',
        hypervisors,
        servers: [on('az1-hv1', 'other'), on('az1-hv2', 'g')],
        group: soft,
      },
      'az1-hv3',
    ],
    ['unknown zone', { zone: 'az9', hypervisors, servers: [] }, undefined],
  ];
  for (const [name, input, expected] of cases)
    assert.equal(chooseHypervisor(input), expected, name);
});
