/** startControllers with a ClusterServicesApi runs the Service controller next to the others. */
import { test } from 'node:test';
import { until } from '@berth/test-kit';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { silentLogger } from '@berth/controller-kit';
import { MemoryProvider } from '@berth/provider-memory';
import { SimulatedBootstrap } from '../simulated-bootstrap.js';
import { MemoryControllerStore } from '../testing/memory-store.js';
import { createCluster, type World } from '../testing/world.js';
import { startControllers } from '../wiring.js';
import { FakeServicesApi } from '../testing/fake-services-api.js';

test('with a ClusterServicesApi, a new Service gets its address while the cluster runs', async (t) => {
  const store = new MemoryControllerStore();
  const provider = new MemoryProvider();
  const api = new FakeServicesApi();
  const controllers = await startControllers({
    store,
    provider,
    bootstrap: new SimulatedBootstrap(),
    services: api,
    registry: new Registry(),
    logger: silentLogger(),
    sources: {
      listKeys: async () => ({
        clusters: [...store.clusters.keys()],
        nodeGroups: [...store.nodeGroups.keys()],
      }),
      subscribe: (listener) => {
        store.onWrite(listener);
        return () => undefined;
      },
    },
  });
  t.after(() => controllers.stop());
  assert.ok(controllers.services, 'the third controller is started');
  const world: World = { store, provider, controllers, stop: () => controllers.stop() };
  const cluster = createCluster(world, 'wired', { nodeGroups: [{ name: 'default', count: 1 }] });
  await until(
    'Running',
    () => store.clusters.get(cluster.metadata.uid)?.status.phase === 'Running',
    { intervalMs: 20 },
  );
  api.nodes = [{ name: 'n1', internalIp: '10.0.0.30', ready: true, excluded: false, podCidrs: [] }];
  api.addService('web');
  const started = Date.now();
  await until('ingress', () => (api.get('web')?.ingressIps.length ?? 0) > 0, {
    timeoutMs: 10_000,
    intervalMs: 20,
  });
  assert.ok(Date.now() - started < 10_000);
  assert.equal(api.get('web')!.hasFinalizer, true);
});
