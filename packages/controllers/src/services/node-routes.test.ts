/**
 * Node routes: which pod CIDRs are routed where (pure), and that a cloud-controller pass makes
 * the cluster router's routes follow the Nodes (memory provider, fake cluster API).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterNode } from '@berth/controller-ports';
import { desiredNodeRoutes } from './node-routes.js';
import { harness, never } from '../testing/service-lb-harness.js';

const node = (name: string, internalIp: string | undefined, podCidrs: string[]): ClusterNode => ({
  name,
  ...(internalIp === undefined ? {} : { internalIp }),
  ready: true,
  excluded: false,
  podCidrs,
});

test('each node pod CIDR goes to its address; nothing off the subnet or outside the pod CIDR', async (t) => {
  const h = await harness(t);
  const routes = desiredNodeRoutes(h.cluster, [
    node('b', '10.0.0.12', ['10.100.2.0/24']),
    node('a', '10.0.0.11', ['10.100.1.0/24']),
    node('no-cidr-yet', '10.0.0.13', []),
    node('no-address', undefined, ['10.100.4.0/24']),
    node('elsewhere', '192.168.1.5', ['10.100.5.0/24']),
    node('outside-pods', '10.0.0.14', ['10.200.0.0/24', '10.100.0.0/15', '10.100.6.1/24']),
    node('duplicate', '10.0.0.15', ['10.100.1.0/24']),
  ]);
  assert.deepEqual(routes, [
    { destination: '10.100.1.0/24', nexthop: '10.0.0.11' },
    { destination: '10.100.2.0/24', nexthop: '10.0.0.12' },
  ]);
});

test('a pass routes the nodes pod CIDRs in the cluster router, and drops the route of a node that is gone', async (t) => {
  const h = await harness(t);
  const router = async () =>
    (
      await h.world.provider.routers.list(
        { tags: { 'berth.dev/cluster': h.cluster.metadata.uid } },
        never,
      )
    )[0]!;
  await h.pass();
  const expected = h.api.nodes
    .map((n) => ({ destination: n.podCidrs[0]!, nexthop: n.internalIp! }))
    .sort((a, b) => a.destination.localeCompare(b.destination));
  assert.equal(expected.length, 2);
  assert.deepEqual((await router()).routes, expected);
  h.api.nodes.pop();
  await h.pass();
  assert.deepEqual((await router()).routes.length, 1, 'a deleted node loses its route');
});
