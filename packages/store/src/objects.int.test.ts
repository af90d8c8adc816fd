import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '@berth/errors';
import { storeBackends } from './testing/index.js';
import { clusterSpec } from './test-fixtures.js';
import type { Change } from './session.js';

function code(err: unknown): string {
  assert.ok(err instanceof BerthError, `expected a BerthError, got ${String(err)}`);
  return err.code;
}

for (const backend of storeBackends()) {
  describe(`store objects on ${backend.name}`, () => {
    before(() => backend.setUp());
    after(() => backend.tearDown());

    test('migrations run once and the default project exists', async () => {
      const options = await backend.freshOptions();
      const { openStore } = await import('./store.js');
      const first = await openStore(options);
      assert.ok(await first.projects.get('default'));
      await first.close();
      const second = await openStore(options);
      assert.equal((await second.projects.list()).items.length, 1);
      await second.close();
    });

    test('a cluster is created with its node groups and renders them in spec', async () => {
      const store = await backend.open();
      const cluster = await store.clusters.create({
        project: 'default',
        name: 'demo',
        spec: clusterSpec(),
      });
      assert.deepEqual(
        cluster.spec.nodeGroups.map((g) => g.name),
        ['gpu', 'workers'],
      );
      assert.equal(cluster.metadata.generation, 1);
      assert.equal(cluster.status.phase, 'Provisioning');
      const groups = await store.nodeGroups.list({ project: 'default', name: 'demo' });
      assert.deepEqual(
        groups.items.map((g) => g.metadata.cluster),
        ['demo', 'demo'],
      );
      await assert.rejects(
        store.clusters.create({ project: 'default', name: 'demo', spec: clusterSpec() }),
        (e) => {
          return code(e) === 'BERTH_ERR_ALREADY_EXISTS';
        },
      );
      await store.close();
    });

    test('generation moves on spec changes only; resourceVersion on every write', async () => {
      const store = await backend.open();
      const key = { project: 'default', name: 'gen' };
      const c0 = await store.clusters.create({ ...key, spec: clusterSpec([]) });
      const c1 = await store.clusters.update(key, { labels: { team: 'a' } });
      assert.equal(c1.metadata.generation, 1);
      assert.ok(Number(c1.metadata.resourceVersion) > Number(c0.metadata.resourceVersion));
      const c2 = await store.clusters.update(key, {
        spec: { ...c1.spec, addons: [{ name: 'x' }] },
      });
      assert.equal(c2.metadata.generation, 2);
      const c3 = await store.clusters.updateStatus(key, (s) => ({ ...s, phase: 'Running' }));
      assert.equal(c3.metadata.generation, 2);
      assert.equal(c3.status.phase, 'Running');
      const same = await store.clusters.update(key, { labels: { team: 'a' } });
      assert.equal(
        same.metadata.resourceVersion,
        c3.metadata.resourceVersion,
        'no-op writes keep the version',
      );
      await assert.rejects(
        store.clusters.update(
          key,
          { labels: {} },
          { resourceVersion: c1.metadata.resourceVersion },
        ),
        (e) => code(e) === 'BERTH_ERR_STALE_RESOURCE_VERSION',
      );
      const c4 = await store.clusters.update(
        key,
        { labels: {} },
        { resourceVersion: c3.metadata.resourceVersion },
      );
      assert.deepEqual(c4.metadata.labels, {});
      await store.close();
    });

    test('node group writes move the cluster generation; status writes do not', async () => {
      const store = await backend.open();
      const key = { project: 'default', name: 'ng' };
      const before = await store.clusters.create({ ...key, spec: clusterSpec(['a']) });
      const [a] = before.spec.nodeGroups;
      const { name: _n, ...spec } = a!;
      await store.nodeGroups.create(key, { name: 'b', spec });
      const afterCreate = await store.clusters.require(key);
      assert.equal(afterCreate.metadata.generation, 2);
      assert.deepEqual(
        afterCreate.spec.nodeGroups.map((g) => g.name),
        ['a', 'b'],
      );
      const ngKey = { project: 'default', cluster: 'ng', name: 'b' };
      await store.nodeGroups.update(ngKey, { spec: { ...spec, count: 7 } });
      const afterScale = await store.clusters.require(key);
      assert.equal(afterScale.metadata.generation, 3);
      assert.equal(afterScale.spec.nodeGroups[1]!.count, 7);
      await store.nodeGroups.updateStatus(ngKey, (s) => ({ ...s, replicas: 7 }));
      assert.equal(
        (await store.clusters.require(key)).metadata.resourceVersion,
        afterScale.metadata.resourceVersion,
      );
      await assert.rejects(
        store.nodeGroups.create(key, { name: 'a', spec }),
        (e) => code(e) === 'BERTH_ERR_ALREADY_EXISTS',
      );
      await assert.rejects(
        store.nodeGroups
          .get({ ...ngKey, name: 'zz' })
          .then((g) => (g ? g : store.nodeGroups.require({ ...ngKey, name: 'zz' }))),
        (e) => code(e) === 'BERTH_ERR_NODE_GROUP_NOT_FOUND',
      );
      await assert.rejects(
        store.nodeGroups.require({ ...ngKey, cluster: 'nope' }),
        (e) => code(e) === 'BERTH_ERR_CLUSTER_NOT_FOUND',
      );
      await store.close();
    });

    test('deletion waits for finalizers, then removes node groups and events but keeps operations', async () => {
      const store = await backend.open();
      const key = { project: 'default', name: 'del' };
      const cluster = await store.clusters.create({
        ...key,
        spec: clusterSpec(['a']),
        finalizers: ['berth.dev/cluster'],
      });
      const op = await store.operations.create({
        kind: 'ClusterDelete',
        target: {
          kind: 'Cluster',
          project: 'default',
          cluster: 'del',
          clusterUid: cluster.metadata.uid,
          name: 'del',
          generation: 1,
        },
      });
      await store.events.append({
        project: 'default',
        cluster: 'del',
        clusterUid: cluster.metadata.uid,
        reason: 'X',
        message: 'x',
      });
      const requested = await store.clusters.requestDeletion(key, {
        status: (s) => ({ ...s, phase: 'Deleting' }),
      });
      assert.equal(requested.removed, false);
      assert.ok(requested.object.metadata.deletionRequestedAt);
      assert.equal(requested.object.status.phase, 'Deleting');
      await assert.rejects(
        store.clusters.addFinalizer(key, 'late'),
        (e) => code(e) === 'BERTH_ERR_INVALID_STATE',
      );
      const removed = await store.clusters.removeFinalizer(key, 'berth.dev/cluster');
      assert.equal(removed.removed, true);
      assert.equal(await store.clusters.get(key), undefined);
      assert.deepEqual(await store.nodeGroups.listByClusterUid(cluster.metadata.uid), []);
      assert.deepEqual(await store.events.list(cluster.metadata.uid), []);
      assert.equal((await store.operations.get(op.id))?.kind, 'ClusterDelete');
      await store.close();
    });

    test('node group deletion without finalizers removes it at once', async () => {
      const store = await backend.open();
      const key = { project: 'default', name: 'ngdel' };
      await store.clusters.create({ ...key, spec: clusterSpec(['a', 'b']) });
      const result = await store.nodeGroups.requestDeletion({
        project: 'default',
        cluster: 'ngdel',
        name: 'a',
      });
      assert.equal(result.removed, true);
      assert.deepEqual(
        (await store.clusters.require(key)).spec.nodeGroups.map((g) => g.name),
        ['b'],
      );
      await store.close();
    });

    test('lists page with continue tokens and the collection version tracks writes', async () => {
      const store = await backend.open();
      const v0 = await store.clusters.collectionVersion('default');
      for (const name of ['c1', 'c2', 'c3', 'c4', 'c5']) {
        await store.clusters.create({ project: 'default', name, spec: clusterSpec(['w']) });
      }
      const v1 = await store.clusters.collectionVersion('default');
      assert.notEqual(v0, v1);
      const first = await store.clusters.list('default', { limit: 2 });
      assert.deepEqual(
        first.items.map((c) => c.metadata.name),
        ['c1', 'c2'],
      );
      const second = await store.clusters.list('default', { limit: 2, continue: first.continue! });
      assert.deepEqual(
        second.items.map((c) => c.metadata.name),
        ['c3', 'c4'],
      );
      const third = await store.clusters.list('default', { limit: 2, continue: second.continue! });
      assert.deepEqual(
        third.items.map((c) => c.metadata.name),
        ['c5'],
      );
      assert.equal(third.continue, undefined);
      assert.equal(third.items[0]!.spec.nodeGroups[0]!.name, 'w');
      await assert.rejects(
        store.clusters.list('default', { continue: 'garbage!' }),
        (e) => code(e) === 'BERTH_ERR_VALIDATION',
      );
      await store.clusters.requestDeletion({ project: 'default', name: 'c5' });
      assert.notEqual(await store.clusters.collectionVersion('default'), v1);
      assert.deepEqual(await store.clusters.countByPhase(), { Provisioning: 4 });
      await store.close();
    });

    test('a failed transaction leaves nothing behind and emits nothing', async () => {
      const store = await backend.open();
      const heard = [] as Change[];
      store.changes.onChange((c) => heard.push(c));
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.clusters.create({ project: 'default', name: 'tx', spec: clusterSpec() });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store.clusters.get({ project: 'default', name: 'tx' }), undefined);
      assert.equal(heard.length, 0);
      await store.transaction(async (tx) => {
        const c = await tx.clusters.create({
          project: 'default',
          name: 'tx',
          spec: clusterSpec(['a']),
        });
        await tx.events.append({
          project: 'default',
          cluster: 'tx',
          clusterUid: c.metadata.uid,
          reason: 'Created',
          message: 'm',
        });
      });
      assert.deepEqual(
        heard.map((c) => `${c.kind}/${c.name}`),
        ['Cluster/tx', 'NodeGroup/a'],
      );
      await store.close();
    });

    test('the change feed lists every commit after a cursor, in order', async () => {
      const store = await backend.open();
      const start = await store.changes.latestCursor();
      await store.clusters.create({ project: 'default', name: 'feed', spec: clusterSpec(['a']) });
      await store.clusters.updateStatus({ project: 'default', name: 'feed' }, (s) => ({
        ...s,
        phase: 'Running',
      }));
      await store.clusters.update(
        { project: 'default', name: 'feed' },
        { labels: { team: 'x' }, status: (s) => ({ ...s, phase: 'Reconciling' }) },
      );
      const batch = await store.changes.listSince(start);
      assert.deepEqual(
        batch.changes.map((c) => `${c.kind}/${c.name}/${c.type}`),
        // A status-only write says so; one that also changes intent is an upsert.
        ['Cluster/feed/upsert', 'NodeGroup/a/upsert', 'Cluster/feed/status', 'Cluster/feed/upsert'],
      );
      assert.equal(batch.cursor, await store.changes.latestCursor());
      assert.deepEqual((await store.changes.listSince(batch.cursor)).changes, []);
      await store.close();
    });

    test('concurrent read-modify-write status updates never lose one', async () => {
      const store = await backend.open();
      const key = { project: 'default', name: 'race' };
      await store.clusters.create({ ...key, spec: clusterSpec([]) });
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.clusters.updateStatus(key, (s) => ({
            ...s,
            observedGeneration: s.observedGeneration + 1,
          })),
        ),
      );
      assert.equal((await store.clusters.require(key)).status.observedGeneration, 20);
      await store.close();
    });
  });
}
