import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinArgs, planStart, type StartInput } from './etcd-join.js';

const me = { name: 'm0', peerUrl: 'https://10.0.0.10:2380' };
const m1 = { ID: '11', name: 'm1', peerURLs: ['https://10.0.0.11:2380'], clientURLs: ['c1'] };
const m2 = { ID: '12', name: 'm2', peerURLs: ['https://10.0.0.12:2380'], clientURLs: ['c2'] };
const plan = (input: Partial<StartInput>) =>
  planStart({ ...me, hasData: false, joining: false, members: undefined, ...input });

test('a member with data, or with nobody to ask, starts as configured', () => {
  assert.equal(plan({ hasData: true, members: [m1, m2] }).kind, 'as-configured');
  assert.equal(plan({}).kind, 'as-configured');
});

test('a member of the first bootstrap that starts late starts as configured', () => {
  // etcd 3.6 lists the initial cluster's names before the members start: no client URLs yet.
  const unstarted = { ID: '10', name: 'm0', peerURLs: [me.peerUrl] };
  assert.equal(plan({ members: [unstarted, m1, m2] }).kind, 'as-configured');
});

test('a recreated master removes its old member, adds itself and joins the cluster as it is', () => {
  const old = { ID: '10', name: 'm0', peerURLs: [me.peerUrl], clientURLs: ['c0'] };
  assert.deepEqual(plan({ members: [old, m1, m2] }), {
    kind: 'join',
    why: 'replacing member m0 (10) whose data is gone',
    remove: '10',
    add: true,
    initialCluster: {
      m1: 'https://10.0.0.11:2380',
      m2: 'https://10.0.0.12:2380',
      m0: me.peerUrl,
    },
  });
});

test('a retry after the add resumes the join; a member missing altogether is added', () => {
  const added = { ID: '99', peerURLs: [me.peerUrl] };
  const resumed = plan({ joining: true, members: [added, m1, m2] });
  assert.equal(resumed.kind, 'join');
  assert.equal(resumed.kind === 'join' && resumed.add, false);
  const missing = plan({ members: [m1, m2] });
  assert.equal(missing.kind === 'join' && missing.add, true);
  assert.equal(missing.kind === 'join' && missing.remove, undefined);
});

test('joinArgs rewrites the initial cluster and its state only', () => {
  assert.deepEqual(
    joinArgs(['--name=m0', '--initial-cluster=m0=a,m1=b', '--initial-cluster-state=new', '--x=1'], {
      m1: 'b',
      m0: 'a',
    }),
    ['--name=m0', '--initial-cluster=m1=b,m0=a', '--initial-cluster-state=existing', '--x=1'],
  );
});
