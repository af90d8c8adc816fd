import assert from 'node:assert/strict';
import type { Volume } from '../volumes.js';
import type { ConformanceEnv } from './env.js';
import { rejectsWithCode, type ScenarioGroup } from './scenario.js';

function waitForVolume(env: ConformanceEnv, id: string, status: Volume['status']): Promise<Volume> {
  return env.waitFor(
    `volume ${id} to be ${status}`,
    () => env.provider.volumes.get({ id }, env.signal),
    (v) => v.status === status,
  );
}

async function availableVolume(env: ConformanceEnv, suffix: string, sizeGb = 1): Promise<Volume> {
  const { zone, volumeType } = await env.defaults();
  const input = { name: env.name(suffix), tags: env.tags, volumeType, sizeGb, zone };
  const created = await env.provider.volumes.create(input, env.signal);
  return waitForVolume(env, created.id, 'available');
}

export const volumeScenarios: ScenarioGroup = {
  title: 'volumes',
  scenarios: [
    {
      name: 'every volume type states its maximum size and I/O limits; create above the maximum is refused',
      needs: ['volumes'],
      async run(env) {
        const { volumes, catalog } = env.provider;
        const { zone } = await env.defaults();
        const types = await catalog.listVolumeTypes({}, env.signal);
        for (const t of types) {
          assert.ok(Number.isInteger(t.maxSizeGb) && t.maxSizeGb >= 1, `${t.name}: maxSizeGb`);
          for (const [key, value] of Object.entries(t.limits)) {
            assert.ok(Number.isInteger(value) && value > 0, `${t.name}: limits.${key} = ${value}`);
          }
        }
        const type = types[0]!;
        await rejectsWithCode(
          volumes.create(
            {
              name: env.name('huge'),
              tags: env.tags,
              volumeType: type.name,
              sizeGb: type.maxSizeGb + 1,
              zone,
            },
            env.signal,
          ),
          'BERTH_ERR_VALIDATION',
          'size above the type maximum',
        );
        assert.deepEqual(await volumes.list({ tags: env.tags }, env.signal), []);
      },
    },
    {
      name: 'extend grows a volume, detached or attached; smaller or above the type maximum is refused',
      needs: ['volumes'],
      async run(env) {
        const { volumes, catalog } = env.provider;
        const { volumeType } = await env.defaults();
        const type = (await catalog.listVolumeTypes({}, env.signal)).find(
          (t) => t.name === volumeType,
        )!;
        const volume = await availableVolume(env, 'grow', 1);
        const grown = await volumes.extend({ id: volume.id, sizeGb: 2 }, env.signal);
        assert.equal(grown.sizeGb, 2);
        assert.ok(['extending', 'available'].includes(grown.status), `status ${grown.status}`);
        assert.equal((await waitForVolume(env, volume.id, 'available')).sizeGb, 2);
        const same = await volumes.extend({ id: volume.id, sizeGb: 2 }, env.signal);
        assert.equal(same.sizeGb, 2, 'extend to the current size is a no-op');
        await rejectsWithCode(
          volumes.extend({ id: volume.id, sizeGb: 1 }, env.signal),
          'BERTH_ERR_VALIDATION',
          'shrink',
        );
        await rejectsWithCode(
          volumes.extend({ id: volume.id, sizeGb: type.maxSizeGb + 1 }, env.signal),
          'BERTH_ERR_VALIDATION',
          'extend above the type maximum',
        );
        await rejectsWithCode(
          volumes.extend({ id: 'no-such-volume', sizeGb: 3 }, env.signal),
          'BERTH_ERR_NOT_FOUND',
          'extend a missing volume',
        );

        const { subnet } = await env.network('net');
        const server = await env.server('vm', subnet);
        await volumes.attach({ id: volume.id, serverId: server.id }, env.signal);
        await waitForVolume(env, volume.id, 'in-use');
        await volumes.extend({ id: volume.id, sizeGb: 3 }, env.signal);
        const attached = await waitForVolume(env, volume.id, 'in-use');
        assert.equal(attached.sizeGb, 3);
        assert.equal(attached.attachment?.serverId, server.id, 'extend kept the attachment');
        await volumes.detach({ id: volume.id }, env.signal);
        await waitForVolume(env, volume.id, 'available');
      },
    },
    {
      name: 'two servers racing to attach one volume: exactly one wins, the other gets CONFLICT',
      needs: ['volumes'],
      async run(env) {
        const { volumes } = env.provider;
        const { subnet } = await env.network('net');
        const [a, b] = [await env.server('a', subnet), await env.server('b', subnet)];
        const volume = await availableVolume(env, 'rwo');
        const results = await Promise.allSettled([
          volumes.attach({ id: volume.id, serverId: a.id }, env.signal),
          volumes.attach({ id: volume.id, serverId: b.id }, env.signal),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        assert.equal(won.length, 1, `attaches that succeeded: ${won.length}`);
        assert.equal((lost[0]!.reason as { code?: string }).code, 'BERTH_ERR_CONFLICT');
        const inUse = await waitForVolume(env, volume.id, 'in-use');
        const winner = results[0]!.status === 'fulfilled' ? a : b;
        assert.equal(inUse.attachment?.serverId, winner.id);
        const attachedTo = [
          ...(await env.provider.servers.get({ id: a.id }, env.signal)).volumeAttachments,
          ...(await env.provider.servers.get({ id: b.id }, env.signal)).volumeAttachments,
        ];
        assert.equal(attachedTo.length, 1, 'the volume is recorded on exactly one server');
        await volumes.detach({ id: volume.id, force: true }, env.signal);
        await waitForVolume(env, volume.id, 'available');
        const loser = winner === a ? b : a;
        await volumes.attach({ id: volume.id, serverId: loser.id }, env.signal);
        assert.equal(
          (await waitForVolume(env, volume.id, 'in-use')).attachment?.serverId,
          loser.id,
        );
        await volumes.detach({ id: volume.id, serverId: loser.id }, env.signal);
        await waitForVolume(env, volume.id, 'available');
      },
    },
    {
      name: 'attached to one server, a volume cannot attach to another until detached',
      needs: ['volumes'],
      async run(env) {
        const { volumes, servers } = env.provider;
        const { zone, volumeType } = await env.defaults();
        const { subnet } = await env.network('net');
        const [a, b] = [await env.server('a', subnet), await env.server('b', subnet)];
        const input = { name: env.name('etcd'), tags: env.tags, volumeType, sizeGb: 1, zone };
        const created = await volumes.create(input, env.signal);
        assert.equal((await volumes.create(input, env.signal)).id, created.id, 'duplicate volume');
        const volume = await waitForVolume(env, created.id, 'available');
        assert.deepEqual(
          [volume.volumeType, volume.sizeGb, volume.zone, volume.attachment],
          [volumeType, 1, zone, null],
        );

        await volumes.attach({ id: volume.id, serverId: a.id }, env.signal);
        const onA = await waitForVolume(env, volume.id, 'in-use');
        assert.equal(onA.attachment?.serverId, a.id);
        assert.match(onA.attachment?.device ?? '', /^\/dev\//);
        const again = await volumes.attach({ id: volume.id, serverId: a.id }, env.signal);
        assert.equal(
          again.attachment?.device,
          onA.attachment?.device,
          'repeated attach moved the device',
        );
        const serverA = await servers.get({ id: a.id }, env.signal);
        assert.deepEqual(serverA.volumeAttachments, [
          { volumeId: volume.id, device: onA.attachment?.device },
        ]);
        assert.deepEqual(
          (await volumes.list({ serverId: a.id }, env.signal)).map((v) => v.id),
          [volume.id],
        );

        await rejectsWithCode(
          volumes.attach({ id: volume.id, serverId: b.id }, env.signal),
          'BERTH_ERR_CONFLICT',
          'attach elsewhere',
        );
        await rejectsWithCode(
          volumes.delete({ id: volume.id }, env.signal),
          'BERTH_ERR_CONFLICT',
          'delete in-use',
        );
        await volumes.detach({ id: volume.id, serverId: b.id }, env.signal);
        assert.equal(
          (await volumes.get({ id: volume.id }, env.signal)).attachment?.serverId,
          a.id,
          'detach from B touched A',
        );

        await volumes.detach({ id: volume.id }, env.signal);
        await waitForVolume(env, volume.id, 'available');
        await volumes.detach({ id: volume.id }, env.signal);
        assert.deepEqual((await servers.get({ id: a.id }, env.signal)).volumeAttachments, []);
        await volumes.attach({ id: volume.id, serverId: b.id }, env.signal);
        await waitForVolume(env, volume.id, 'in-use');
        await servers.delete({ id: b.id }, env.signal);
        await waitForVolume(env, volume.id, 'available');

        await volumes.delete({ id: volume.id }, env.signal);
        await volumes.delete({ id: volume.id }, env.signal);
        await rejectsWithCode(
          volumes.get({ id: volume.id }, env.signal),
          'BERTH_ERR_NOT_FOUND',
          'get deleted volume',
        );
      },
    },
    {
      name: 'volumes given at server create are attached from /dev/vdb before it runs',
      needs: ['volumes'],
      async run(env) {
        const { volumes, servers } = env.provider;
        const { zone, volumeType } = await env.defaults();
        const { subnet } = await env.network('net');
        const make = async (suffix: string) => {
          const input = { name: env.name(suffix), tags: env.tags, volumeType, sizeGb: 1, zone };
          return waitForVolume(env, (await volumes.create(input, env.signal)).id, 'available');
        };
        const [root, data] = [await make('root'), await make('data')];
        await rejectsWithCode(
          env.server('twice', subnet, { volumeIds: [root.id, root.id] }),
          'BERTH_ERR_VALIDATION',
          'a volume listed twice',
        );
        await rejectsWithCode(
          env.server('ghost', subnet, { volumeIds: ['no-such-volume'] }),
          'BERTH_ERR_VALIDATION',
          'a volume that does not exist',
        );
        const server = await env.server('vm', subnet, { volumeIds: [root.id, data.id] });
        assert.deepEqual(server.volumeAttachments, [
          { volumeId: root.id, device: '/dev/vdb' },
          { volumeId: data.id, device: '/dev/vdc' },
        ]);
        assert.equal((await waitForVolume(env, root.id, 'in-use')).attachment?.serverId, server.id);
        const again = await env.server('vm', subnet, { volumeIds: [root.id, data.id] });
        assert.equal(again.id, server.id, 'a repeated create finds the server');
        await rejectsWithCode(
          env.server('other', subnet, { volumeIds: [data.id] }),
          'BERTH_ERR_VALIDATION',
          'a volume attached elsewhere',
        );
        await servers.delete({ id: server.id }, env.signal);
        await waitForVolume(env, root.id, 'available');
        await waitForVolume(env, data.id, 'available');
      },
    },
    {
      name: 'volume type, size and zone are validated; attach to a server of another zone is refused',
      needs: ['volumes'],
      async run(env) {
        const { volumes, catalog } = env.provider;
        const { zone, volumeType } = await env.defaults();
        const base = { tags: env.tags, volumeType, sizeGb: 1, zone };
        await rejectsWithCode(
          volumes.create({ ...base, name: env.name('t'), volumeType: 'no-such-type' }, env.signal),
          'BERTH_ERR_VALIDATION',
          'unknown type',
        );
        await rejectsWithCode(
          volumes.create({ ...base, name: env.name('s'), sizeGb: 0 }, env.signal),
          'BERTH_ERR_VALIDATION',
          'size 0',
        );
        await rejectsWithCode(
          volumes.create({ ...base, name: env.name('z'), zone: 'no-such-zone' }, env.signal),
          'BERTH_ERR_VALIDATION',
          'unknown zone',
        );
        assert.deepEqual(await volumes.list({ tags: env.tags }, env.signal), []);
        const hypervisors = await catalog.listHypervisors({}, env.signal);
        const otherZone = (await catalog.listZones({}, env.signal)).find(
          (z) =>
            z.name !== zone &&
            z.available &&
            hypervisors.some((h) => h.zone === z.name && h.state === 'up'),
        );
        if (!otherZone) return;
        const { subnet } = await env.network('net');
        const server = await env.server('vm', subnet);
        const far = await volumes.create(
          { ...base, name: env.name('far'), zone: otherZone.name },
          env.signal,
        );
        await waitForVolume(env, far.id, 'available');
        await rejectsWithCode(
          volumes.attach({ id: far.id, serverId: server.id }, env.signal),
          'BERTH_ERR_VALIDATION',
          'cross-zone attach',
        );
      },
    },
  ],
};
