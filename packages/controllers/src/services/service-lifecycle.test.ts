/**
 * The Service load-balancer reconciler's lifecycle: Service deletion through the finalizer, type
 * changes, a pass failing half-way, orphans, and cluster deletion with the cluster API gone.
 */
import { test } from 'node:test';
import { until } from '@berth/test-kit';
import assert from 'node:assert/strict';
import { patchCluster } from '../testing/world.js';
import { ServiceAnnotations as A } from './desired.js';
import { harness, never } from '../testing/service-lb-harness.js';

test('deleting a Service, or changing its type, removes its load balancer before the finalizer', async (t) => {
  const h = await harness(t);
  const gone = h.api.addService('gone');
  const changed = h.api.addService('changed');
  await h.pass();
  assert.deepEqual(await h.counts(), { lbs: 2, fips: 2 });
  h.api.deleteService('gone');
  assert.equal(h.api.get('gone')?.deleting, true, 'the finalizer holds the Service');
  h.api.get('changed')!.type = 'ClusterIP';
  await h.pass();
  assert.equal(h.api.get('gone'), undefined, 'finalizer removed, Service gone');
  assert.equal(await h.lbOf(gone.uid), undefined);
  assert.equal(await h.lbOf(changed.uid), undefined);
  const after = h.api.get('changed')!;
  assert.deepEqual(after.ingressIps, [], 'status cleared');
  assert.equal(after.hasFinalizer, false);
  assert.deepEqual(await h.counts(), { lbs: 0, fips: 0 });
});

test('a pass that fails half-way converges on the next one with nothing duplicated', async (t) => {
  const h = await harness(t);
  h.api.nodes.push({
    name: 'n3',
    internalIp: '10.0.0.201',
    ready: true,
    excluded: false,
    podCidrs: [],
  });
  const svc = h.api.addService('web', {
    ports: [
      { protocol: 'TCP', port: 80, nodePort: 30080 },
      { protocol: 'TCP', port: 443, nodePort: 30443 },
    ],
  });
  const steps = [
    'floatingIps.create',
    'loadBalancers.createListener',
    'loadBalancers.createPool',
    'loadBalancers.createMember',
  ] as const;
  for (const method of steps) {
    // The call takes effect and its reply is lost, as when Berth dies mid-request.
    const fault = h.world.provider.faults.fail({ method, nth: 1, times: 1, phase: 'after' });
    await h.pass();
    assert.equal(fault.fired, 1, `${method} failed once`);
    fault.remove();
  }
  await h.pass();
  const view = (await h.lbOf(svc.uid))!;
  assert.equal(view.members.length, 6);
  assert.deepEqual(await h.counts(), { lbs: 1, fips: 1 });
  assert.deepEqual(h.api.get('web')!.ingressIps, [view.fip]);
});

test('load balancers of Services that vanished without Berth are collected', async (t) => {
  const h = await harness(t);
  const svc = h.api.addService('web');
  await h.pass();
  h.api.services.clear();
  await h.pass();
  assert.equal(await h.lbOf(svc.uid), undefined);
  assert.deepEqual(await h.counts(), { lbs: 0, fips: 0 });
});

test('deleting the cluster deletes every Service load balancer, even with its API gone', async (t) => {
  const h = await harness(t);
  h.api.addService('one');
  h.api.addService('two', { annotations: { [A.internal]: 'true' } });
  await h.pass();
  assert.deepEqual(await h.counts(), { lbs: 2, fips: 1 });
  h.api.unreachable = 'connection refused';
  const uid = h.cluster.metadata.uid;
  patchCluster(h.world, uid, (c) => (c.metadata.deletionRequestedAt = new Date().toISOString()));
  await until('cluster removed', () => !h.world.store.clusters.has(uid), { intervalMs: 20 });
  assert.deepEqual(await h.world.provider.loadBalancers.list({}, never), []);
  assert.deepEqual(await h.world.provider.floatingIps.list({}, never), []);
});
