import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '@berth/errors';
import { storeBackends } from './testing/index.js';
import { clusterSpec, manualClock } from './test-fixtures.js';
import { hashSecret } from './tokens.js';

function code(err: unknown): string {
  assert.ok(err instanceof BerthError, `expected a BerthError, got ${String(err)}`);
  return err.code;
}

for (const backend of storeBackends()) {
  describe(`store records on ${backend.name}`, () => {
    before(() => backend.setUp());
    after(() => backend.tearDown());

    test('tokens: secret shown once, stored hashed, found by secret until expiry or revocation', async () => {
      const clock = manualClock();
      const store = await backend.open({ now: clock.now });
      const { token, secret } = await store.tokens.create({
        name: 'ci',
        project: 'default',
        role: 'member',
        expiresAt: new Date(clock.now() + 60_000),
      });
      assert.match(secret, /^berth_[A-Za-z0-9_-]{43}$/);
      assert.equal(token.prefix, secret.slice(0, 12));
      assert.equal((await store.tokens.findBySecret(secret))?.id, token.id);
      assert.equal(await store.tokens.findBySecret(`${secret}x`), undefined);
      assert.notEqual(hashSecret(secret), secret);
      clock.advance(61_000);
      assert.equal(await store.tokens.findBySecret(secret), undefined, 'expired');
      const other = await store.tokens.create({ name: 'b', project: 'default', role: 'viewer' });
      assert.deepEqual(
        (await store.tokens.list('default')).items.map((t) => t.id).sort(),
        [token.id, other.token.id].sort(),
      );
      await store.tokens.delete('default', other.token.id);
      assert.equal(await store.tokens.findBySecret(other.secret), undefined);
      await assert.rejects(
        store.tokens.delete('default', other.token.id),
        (e) => code(e) === 'BERTH_ERR_TOKEN_NOT_FOUND',
      );
      assert.equal(await store.tokens.hasPlatformAdmin(), false);
      const admin = await store.tokens.ensurePlatformAdmin(
        'bootstrap',
        'berth_fixed-secret-for-automation-0123456789',
      );
      assert.equal(admin.project, null);
      assert.equal(
        (
          await store.tokens.ensurePlatformAdmin(
            'bootstrap',
            'berth_fixed-secret-for-automation-0123456789',
          )
        ).id,
        admin.id,
      );
      assert.equal(await store.tokens.hasPlatformAdmin(), true);
      await store.close();
    });

    test('projects: create, duplicate, scoped list, delete rules', async () => {
      const store = await backend.open();
      await store.projects.create({ name: 'team-a', description: 'A' });
      await assert.rejects(
        store.projects.create({ name: 'team-a' }),
        (e) => code(e) === 'BERTH_ERR_ALREADY_EXISTS',
      );
      assert.deepEqual(
        (await store.projects.list({}, ['team-a'])).items.map((p) => p.metadata.name),
        ['team-a'],
      );
      assert.deepEqual((await store.projects.list({}, [])).items, []);
      await store.clusters.create({ project: 'team-a', name: 'c', spec: clusterSpec([]) });
      await assert.rejects(
        store.projects.delete('team-a'),
        (e) => code(e) === 'BERTH_ERR_CONFLICT',
      );
      await assert.rejects(
        store.projects.delete('default'),
        (e) => code(e) === 'BERTH_ERR_CONFLICT',
      );
      await store.clusters.requestDeletion({ project: 'team-a', name: 'c' });
      await store.projects.delete('team-a');
      await assert.rejects(
        store.projects.require('team-a'),
        (e) => code(e) === 'BERTH_ERR_PROJECT_NOT_FOUND',
      );
      await store.close();
    });

    test('operations: pending → running → finished, then frozen', async () => {
      const store = await backend.open();
      const target = {
        kind: 'Cluster' as const,
        project: 'default',
        cluster: 'c',
        clusterUid: 'u1',
        name: 'c',
        generation: 1,
      };
      const op = await store.operations.create({ kind: 'ClusterCreate', target });
      assert.equal(op.phase, 'Pending');
      assert.equal(await store.operations.projectOf(op.id), 'default');
      const running = await store.operations.update(op.id, {
        phase: 'Running',
        progress: 140,
        message: 'servers',
      });
      assert.equal(running.progress, 100, 'progress is clamped to 100');
      assert.deepEqual(
        (await store.operations.listActive()).map((o) => o.id),
        [op.id],
      );
      const done = await store.operations.update(op.id, { phase: 'Succeeded' });
      assert.ok(done.finishedAt);
      assert.equal(done.progress, 100);
      await assert.rejects(
        store.operations.update(op.id, { phase: 'Failed' }),
        (e) => code(e) === 'BERTH_ERR_INVALID_STATE',
      );
      assert.deepEqual(await store.operations.listForCluster('u1', { activeOnly: true }), []);
      await assert.rejects(
        store.operations.update('op-missing', {}),
        (e) => code(e) === 'BERTH_ERR_OPERATION_NOT_FOUND',
      );
      await store.close();
    });

    test('events: ids grow, since and tail page through history', async () => {
      const store = await backend.open();
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        const e = await store.events.append({
          project: 'default',
          cluster: 'c',
          clusterUid: 'u',
          reason: `R${i}`,
          message: 'm',
        });
        ids.push(e.id);
      }
      await store.events.append({
        project: 'default',
        cluster: 'other',
        clusterUid: 'v',
        reason: 'Other',
        message: 'm',
      });
      assert.deepEqual(
        [...ids].sort((a, b) => a - b),
        ids,
      );
      assert.deepEqual(
        (await store.events.list('u', { since: ids[2] })).map((e) => e.reason),
        ['R3', 'R4'],
      );
      assert.deepEqual(
        (await store.events.list('u', { limit: 2 })).map((e) => e.reason),
        ['R0', 'R1'],
      );
      assert.deepEqual(
        (await store.events.tail('u', 2)).map((e) => e.reason),
        ['R3', 'R4'],
      );
      await store.close();
    });

    test('idempotency: claim once, replay, mismatch, in-progress, abandon, prune', async () => {
      const clock = manualClock();
      const store = await backend.open({ now: clock.now });
      const idem = store.idempotency;
      assert.deepEqual(await idem.begin('tok-1', 'k', 'h1'), { outcome: 'proceed' });
      assert.deepEqual(await idem.begin('tok-1', 'k', 'h1'), { outcome: 'in-progress' });
      assert.deepEqual(await idem.begin('tok-1', 'k', 'h2'), { outcome: 'mismatch' });
      assert.deepEqual(
        await idem.begin('tok-2', 'k', 'h2'),
        { outcome: 'proceed' },
        'keys are scoped',
      );
      await idem.complete('tok-1', 'k', 202, '{"ok":true}');
      assert.deepEqual(await idem.begin('tok-1', 'k', 'h1'), {
        outcome: 'replay',
        status: 202,
        body: '{"ok":true}',
      });
      await idem.abandon('tok-2', 'k');
      assert.deepEqual(await idem.begin('tok-2', 'k', 'h3'), { outcome: 'proceed' });
      clock.advance(6 * 60_000);
      assert.deepEqual(
        await idem.begin('tok-2', 'k', 'h3'),
        { outcome: 'proceed' },
        'stale claims are taken over',
      );
      clock.advance(26 * 3600_000);
      await store.prune();
      assert.deepEqual(await idem.begin('tok-1', 'k', 'h9'), { outcome: 'proceed' });
      await store.close();
    });

    test('leases: one holder at a time, strict renew, expiry and release hand over', async () => {
      const clock = manualClock();
      const store = await backend.open({ now: clock.now });
      const a = store.leases.elector({ name: 'controllers', identity: 'a', durationMs: 10_000 });
      const b = store.leases.elector({ name: 'controllers', identity: 'b', durationMs: 10_000 });
      const [ra, rb] = await Promise.all([a.acquire(), b.acquire()]);
      assert.equal(Number(ra) + Number(rb), 1, 'exactly one wins a simultaneous acquire');
      const [holder, other] = ra ? [a, b] : [b, a];
      assert.equal(await holder.acquire(), true, 're-acquire by the holder');
      assert.equal(await other.renew(), false);
      clock.advance(9_000);
      assert.equal(await holder.renew(), true);
      clock.advance(9_000);
      assert.equal(await other.acquire(), false, 'renewed lease still held');
      clock.advance(2_000);
      assert.equal(await holder.renew(), false, 'expired leases are not renewed');
      assert.equal(await other.acquire(), true);
      assert.equal((await store.leases.get('controllers'))?.holder, other.identity);
      await other.release();
      assert.equal(await holder.acquire(), true, 'released lease is free at once');
      assert.equal((await store.leases.get('controllers'))?.transitions, 3);
      await store.close();
    });
  });
}
