import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hypervisor } from './catalog.js';
import { chooseHypervisor, loadOf } from './placement.js';

const hv = (name: string, zone = 'az1', state: 'up' | 'down' = 'up'): Hypervisor => ({
  name,
  zone,
  state,
});
const hypervisors = [
  hv('az1-hv1'),
  hv('az1-hv2'),
  hv('az1-hv3', 'az1', 'down'),
  hv('az2-hv1', 'az2'),
];

test('soft anti-affinity prefers hypervisors with fewer group members, then fewer servers', () => {
  const base = { zone: 'az1', hypervisors, policy: 'soft-anti-affinity' as const };
  assert.equal(chooseHypervisor({ ...base, load: loadOf([]), groupMembers: [] }), 'az1-hv1');
  assert.equal(
    chooseHypervisor({ ...base, load: loadOf(['az1-hv1']), groupMembers: [] }),
    'az1-hv2',
  );
  assert.equal(
    chooseHypervisor({
      ...base,
      load: loadOf(['az1-hv2', 'az1-hv2', 'az1-hv1']),
      groupMembers: ['az1-hv1'],
    }),
    'az1-hv2',
    'group spread beats load',
  );
  assert.equal(
    chooseHypervisor({
      ...base,
      load: loadOf(['az1-hv1', 'az1-hv2']),
      groupMembers: ['az1-hv1', 'az1-hv2'],
    }),
    'az1-hv1',
    'soft: still placed when every hypervisor holds a member',
  );
});

test('hard anti-affinity refuses when every up hypervisor holds a member', () => {
  assert.throws(
    () =>
      chooseHypervisor({
        zone: 'az1',
        hypervisors,
        load: loadOf([]),
        groupMembers: ['az1-hv1', 'az1-hv2'],
        policy: 'anti-affinity',
      }),
    { code: 'BERTH_ERR_PROVIDER_QUOTA' },
  );
});

test('only the asked zone; other groups do not count; an unknown zone refuses', () => {
  const base = { hypervisors, load: loadOf([]), policy: 'soft-anti-affinity' as const };
  assert.equal(chooseHypervisor({ ...base, zone: 'az2', groupMembers: [] }), 'az2-hv1');
  assert.equal(
    chooseHypervisor({ ...base, zone: 'az1', load: loadOf(['az1-hv1']), groupMembers: [] }),
    'az1-hv2',
  );
  assert.throws(() => chooseHypervisor({ ...base, zone: 'az9', groupMembers: [] }), {
    code: 'BERTH_ERR_PROVIDER_QUOTA',
  });
});
