import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeBackends } from '@berth/store/testing';
import { staticCatalog } from './catalog.js';
import {
  client,
  problemOf,
  setPhase,
  TEST_CATALOG,
  testApp,
  type Client,
  type TestApp,
} from './testing/app.js';

const BASE = '/v1/projects/default/clusters';
const MINORS = [35, 34, 33, 32, 31, 30, 29, 28];
const catalog = staticCatalog({
  ...TEST_CATALOG,
  versions: MINORS.map((m) => ({
    version: `1.${m}`,
    patch: `1.${m}.1`,
    default: m === 34,
    endOfSupport: '2027-01-01',
    upgradesTo: MINORS.includes(m + 1) ? [`1.${m + 1}.1`] : [],
  })),
});

for (const backend of storeBackends()) {
  describe(`upgrades API on ${backend.name}`, () => {
    let t: TestApp;
    let api: Client;
    const running = async (name: string, version: string) => {
      await t.store.clusters.updateStatus({ project: 'default', name }, (s) => ({
        ...s,
        phase: 'Running',
        version,
        controlPlaneVersion: version,
      }));
    };
    const refused = async (url: string, body: unknown, field: string, pattern: RegExp) => {
      const reply = await api.post(url, body);
      assert.deepEqual(problemOf(reply), { status: 400, code: 'BERTH_ERR_VALIDATION', field });
      assert.match(reply.body.detail, pattern);
      return reply;
    };

    before(async () => {
      await backend.setUp();
      t = await testApp(await backend.open(), { catalog });
      api = client(t.app, t.adminSecret);
    });
    after(async () => {
      try {
        await t?.app.close();
        await t?.store.close();
      } finally {
        await backend.tearDown();
      }
    });

    test('node group versions: within three minors behind the cluster, never newer', async () => {
      const create = (version: string) =>
        api.post(BASE, {
          metadata: { name: `skew-${version.replace('.', '-')}` },
          spec: { version: '1.32', nodeGroups: [{ name: 'old', version }] },
        });
      assert.deepEqual(problemOf(await create('1.28')), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'spec.nodeGroups[0].version',
      });
      assert.match((await create('1.28')).body.detail, /4 minors behind/);
      assert.match((await create('1.33')).body.detail, /newer than the control plane/);
      assert.deepEqual(problemOf(await create('1.99')), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'spec.nodeGroups[0].version',
      });
      assert.equal((await create('1.29')).status, 202);
    });

    test('cluster upgrade: one minor at a time, no downgrade, known versions, no group left behind', async () => {
      const created = await api.post(BASE, {
        metadata: { name: 'up' },
        spec: {
          version: '1.32',
          nodeGroups: [{ name: 'web' }, { name: 'legacy', version: '1.29' }],
        },
      });
      assert.equal(created.status, 202, created.text);
      assert.equal(created.body.cluster.spec.nodeGroups[0].version, '1.29');
      const upgrade = `${BASE}/up:upgrade`;
      await setPhase(t.store, 'default', 'up', 'Stopped');
      const stopped = await api.post(upgrade, { version: '1.33' });
      assert.deepEqual(problemOf(stopped), { status: 409, code: 'BERTH_ERR_INVALID_STATE' });
      assert.match(stopped.body.detail, /is Stopped; upgrade is possible only when it is Running/);
      await running('up', '1.32');

      await refused(upgrade, { version: '1.34' }, 'version', /skips a minor.*next: 1\.33/);
      await refused(upgrade, { version: '1.31' }, 'version', /downgrades are not supported/);
      await refused(upgrade, { version: '1.99' }, 'version', /unsupported version "1\.99"/);
      await refused(upgrade, { version: '1.32' }, 'version', /already runs/);
      const behind = await refused(
        upgrade,
        { version: '1.33' },
        'version',
        /node group "legacy" runs 1\.29.*4 minors behind.*upgrade the node group first/,
      );
      assert.equal(behind.body.details?.nodeGroup, 'legacy');

      const group = `${BASE}/up/nodegroups/legacy:upgrade`;
      await refused(group, { version: '1.33' }, 'version', /newer than the control plane/);
      await refused(group, { version: '1.28' }, 'version', /downgrade/);
      const moved = await api.post(group, { version: '1.31' });
      assert.equal(moved.status, 202, moved.text);
      assert.equal(moved.body.nodeGroup.spec.version, '1.31');
      assert.equal(moved.body.operation.kind, 'NodeGroupUpdate');

      const accepted = await api.post(upgrade, { version: '1.33', controlPlaneOnly: true });
      assert.equal(accepted.status, 202, accepted.text);
      assert.equal(accepted.body.cluster.spec.version, '1.33');
      assert.equal(accepted.body.cluster.status.phase, 'Upgrading');
      const events = (await api.get(`${BASE}/up/events`)).body.items as { message: string }[];
      assert.ok(events.some((e) => /node groups web stay at 1\.32/.test(e.message)));
      const web = await api.get(`${BASE}/up/nodegroups/web`);
      assert.equal(web.body.spec.version, '1.32', 'pinned to what it ran');

      // The same version again while the upgrade has not finished: a retry.
      const retried = await api.post(upgrade, { version: '1.33' });
      assert.equal(retried.status, 202, retried.text);
      assert.equal(retried.body.operation.kind, 'ClusterUpgrade');
      const reasons = (await api.get(`${BASE}/up/events`)).body.items.map(
        (e: { reason: string }) => e.reason,
      );
      assert.ok(reasons.includes('UpgradeRetried'));
      assert.equal(retried.body.cluster.spec.upgradeRetry, 1);
      assert.equal(
        retried.body.cluster.metadata.generation,
        accepted.body.cluster.metadata.generation + 1,
        'a spec change, so the controllers wake at once',
      );
      const other = await api.post(upgrade, { version: '1.34' });
      assert.deepEqual(problemOf(other), { status: 409, code: 'BERTH_ERR_INVALID_STATE' });

      // The cluster's own version: the group follows the cluster again.
      const follows = await api.post(`${BASE}/up/nodegroups/web:upgrade`, { version: '1.33' });
      assert.equal(follows.status, 202, follows.text);
      assert.equal(follows.body.nodeGroup.spec.version, undefined);
      await refused(
        `${BASE}/up/nodegroups/web:upgrade`,
        { version: '1.33' },
        'version',
        /already follows the cluster/,
      );
    });

    test('PATCH of a node group version obeys the same rules', async () => {
      assert.equal(
        (
          await api.post(BASE, {
            metadata: { name: 'patched' },
            spec: { version: '1.32', nodeGroups: [{ name: 'ng', version: '1.31' }] },
          })
        ).status,
        202,
      );
      await running('patched', '1.32');
      const url = `${BASE}/patched/nodegroups/ng`;
      const down = await api.patch(url, { spec: { version: '1.30' } });
      assert.deepEqual(problemOf(down), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'spec.version',
      });
      const ahead = await api.patch(url, { spec: { version: '1.33' } });
      assert.deepEqual(problemOf(ahead), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'spec.version',
      });
      const follow = await api.patch(url, { spec: { version: null } });
      assert.equal(follow.status, 202, follow.text);
      assert.equal(follow.body.nodeGroup.spec.version, undefined);
    });
  });
}
