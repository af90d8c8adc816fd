/**
 * The node group API's autoscaling rules: bounds checked and named, `count` owned by the
 * autoscaler while enabled (refused; clamped into changed bounds), given back when disabled,
 * and the cluster's scale-down settings defaulted and validated.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeBackends } from '@berth/store/testing';
import { client, problemOf, testApp, type Client, type TestApp } from './testing/app.js';

const BASE = '/v1/projects/default/clusters';
const INVALID = { status: 400, code: 'BERTH_ERR_VALIDATION' };

for (const backend of storeBackends()) {
  describe(`node group autoscaling on ${backend.name}`, () => {
    let t: TestApp;
    let api: Client;
    const groups = `${BASE}/as/nodegroups`;

    before(async () => {
      await backend.setUp();
      t = await testApp(await backend.open());
      api = client(t.app, t.adminSecret);
      const created = await api.post(BASE, {
        metadata: { name: 'as' },
        spec: {
          nodeGroups: [{ name: 'auto', count: 3, autoscaling: { enabled: true, min: 1, max: 5 } }],
        },
      });
      assert.equal(created.status, 202, created.text);
    });
    after(async () => {
      try {
        await t?.app.close();
        await t?.store.close();
      } finally {
        await backend.tearDown();
      }
    });

    test('the cluster gets upstream scale-down defaults; bad settings name their field', async () => {
      const cluster = (await api.get(`${BASE}/as`)).body;
      assert.deepEqual(cluster.spec.autoscaler, {
        scaleDownUnneededSeconds: 600,
        scaleDownUtilizationThreshold: 0.5,
        scaleDownDelayAfterAddSeconds: 600,
      });
      for (const [autoscaler, field] of [
        [{ scaleDownUnneededSeconds: 1 }, 'spec.autoscaler.scaleDownUnneededSeconds'],
        [{ scaleDownUtilizationThreshold: 0 }, 'spec.autoscaler.scaleDownUtilizationThreshold'],
        [{ scaleDownUtilizationThreshold: 1.5 }, 'spec.autoscaler.scaleDownUtilizationThreshold'],
      ] as const) {
        const reply = await api.post(BASE, { metadata: { name: 'bad' }, spec: { autoscaler } });
        assert.deepEqual(problemOf(reply), { ...INVALID, field }, JSON.stringify(autoscaler));
      }
      const patched = await api.patch(`${BASE}/as`, {
        spec: { autoscaler: { scaleDownUnneededSeconds: 30 } },
      });
      assert.equal(patched.status, 202, patched.text);
      assert.equal(patched.body.cluster.spec.autoscaler.scaleDownUnneededSeconds, 30);
      assert.equal(patched.body.cluster.spec.autoscaler.scaleDownDelayAfterAddSeconds, 600);
    });

    test('bad bounds are 400s naming the field, and create nothing', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ autoscaling: { enabled: true, min: 4, max: 2 } }, 'spec.autoscaling.min'],
        [{ autoscaling: { enabled: true, min: 0, max: 501 } }, 'spec.autoscaling.max'],
        [{ count: 3, autoscaling: { enabled: true, min: 5, max: 10 } }, 'spec.count'],
        [{ count: 9, autoscaling: { enabled: true, min: 0, max: 4 } }, 'spec.count'],
      ];
      for (const [spec, field] of cases) {
        const reply = await api.post(groups, { metadata: { name: 'bad' }, spec });
        assert.deepEqual(problemOf(reply), { ...INVALID, field }, JSON.stringify(spec));
      }
      assert.equal((await api.get(`${groups}/bad`)).status, 404);
    });

    test('while enabled the autoscaler owns count; bounds move it; disabling gives it back', async () => {
      const refused = await api.patch(`${groups}/auto`, { spec: { count: 4 } });
      assert.deepEqual(problemOf(refused), { ...INVALID, field: 'spec.count' });
      assert.match(refused.body.detail, /autoscaler owns count/);
      // Re-sending the current count is no change, so it passes.
      assert.equal((await api.patch(`${groups}/auto`, { spec: { count: 3 } })).status, 200);
      const raised = await api.patch(`${groups}/auto`, { spec: { autoscaling: { min: 4 } } });
      assert.equal(raised.status, 202, raised.text);
      assert.equal(raised.body.nodeGroup.spec.count, 4);
      const lowered = await api.patch(`${groups}/auto`, {
        spec: { autoscaling: { min: 0, max: 2 } },
      });
      assert.equal(lowered.body.nodeGroup.spec.count, 2);
      const disabled = await api.patch(`${groups}/auto`, {
        spec: { autoscaling: { enabled: false } },
      });
      assert.equal(disabled.status, 202, disabled.text);
      assert.equal(disabled.body.nodeGroup.spec.count, 2);
      const manual = await api.patch(`${groups}/auto`, { spec: { count: 7 } });
      assert.equal(manual.status, 202, manual.text);
      assert.equal(manual.body.nodeGroup.spec.count, 7);
      // Enabling again with the count outside the bounds is refused.
      const outside = await api.patch(`${groups}/auto`, {
        spec: { autoscaling: { enabled: true } },
      });
      assert.deepEqual(problemOf(outside), { ...INVALID, field: 'spec.count' });
    });

    test('per-group scale-down settings are kept and validated', async () => {
      const reply = await api.post(groups, {
        metadata: { name: 'own' },
        spec: {
          count: 0,
          autoscaling: {
            enabled: true,
            min: 0,
            max: 3,
            scaleDownUnneededSeconds: 60,
            scaleDownUtilizationThreshold: 0.3,
          },
        },
      });
      assert.equal(reply.status, 202, reply.text);
      assert.deepEqual(reply.body.nodeGroup.spec.autoscaling, {
        enabled: true,
        min: 0,
        max: 3,
        scaleDownUnneededSeconds: 60,
        scaleDownUtilizationThreshold: 0.3,
      });
      const bad = await api.patch(`${groups}/own`, {
        spec: { autoscaling: { scaleDownUnneededSeconds: 5 } },
      });
      assert.deepEqual(problemOf(bad), {
        ...INVALID,
        field: 'spec.autoscaling.scaleDownUnneededSeconds',
      });
    });
  });
}
