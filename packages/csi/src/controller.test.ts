/**
 * The Controller and Identity services over gRPC, on the memory provider (the fake at the
 * boundary): what a CO sees for create with topology, idempotency, publish, list, expand and
 * delete, and the spec's error codes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import { MemoryProvider } from '@berth/provider-memory';
import { GIB, ZONE_KEY } from './capabilities.js';
import { ControllerService } from './controller.js';
import { startCsiServer, type CsiServer } from './csi-server.js';
import { DRIVER_NAME, IdentityService } from './identity.js';
import { ProviderVolumes } from './provider-volumes.js';
import { csiClient, type CsiClient } from './testing/csi-client.js';
import { testCsiProto } from './testing/csi-proto.js';

const signal = new AbortController().signal;
const mountRwo = { mount: { fs_type: 'ext4' }, access_mode: { mode: 'SINGLE_NODE_WRITER' } };
const zone = (z: string) => ({ segments: { [ZONE_KEY]: z } });

async function rejectsWith(promise: Promise<unknown>, code: status, what: string) {
  await assert.rejects(promise, (err: { code?: number; details?: string }) => {
    assert.equal(err.code, code, `${what}: got ${err.code} ${err.details}`);
    return true;
  });
}

describe('CSI controller on the memory provider', () => {
  let dir: string;
  let provider: MemoryProvider;
  let server: CsiServer;
  let csi: CsiClient;
  let protoFile: string;
  const nodes: Record<string, string> = {};

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csi-controller-'));
    provider = new MemoryProvider();
    const network = await provider.networks.create({ name: 'n', tags: {} }, signal);
    const subnet = await provider.networks.createSubnet(
      { name: 's', tags: {}, networkId: network.id, cidr: '10.0.0.0/24' },
      signal,
    );
    for (const [name, z] of [
      ['a1', 'az1'],
      ['b1', 'az1'],
      ['c2', 'az2'],
    ] as const) {
      const ports = [{ networkId: network.id, subnetId: subnet.id }];
      nodes[name] = (
        await provider.servers.create({ name, tags: {}, flavor: 'std-2-4', zone: z, ports }, signal)
      ).id;
    }
    const port = new ProviderVolumes({
      provider,
      driverName: DRIVER_NAME,
      scope: { 'berth.dev/cluster': 'c1' },
    });
    protoFile = await testCsiProto();
    server = await startCsiServer({
      socket: path.join(dir, 'csi.sock'),
      protoFile,
      identity: new IdentityService({ version: '0.1.0', controller: true }),
      controller: new ControllerService({ port, defaultVolumeType: 'ssd' }),
    });
    csi = csiClient(server.endpoint, protoFile);
  });

  after(async () => {
    csi.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names itself and offers the controller, zones and expansion', async () => {
    assert.equal((await csi.identity.GetPluginInfo!()).name, DRIVER_NAME);
    const caps = (await csi.identity.GetPluginCapabilities!()).capabilities as object[];
    assert.deepEqual(caps, [
      { service: { type: 'CONTROLLER_SERVICE' }, type: 'service' },
      { service: { type: 'VOLUME_ACCESSIBILITY_CONSTRAINTS' }, type: 'service' },
      { volume_expansion: { type: 'ONLINE' }, type: 'volume_expansion' },
    ]);
    assert.deepEqual((await csi.identity.Probe!()).ready, { value: true });
    const rpcs = (
      (await csi.controller.ControllerGetCapabilities!()).capabilities as Array<{
        rpc: { type: string };
      }>
    ).map((c) => c.rpc.type);
    assert.deepEqual(rpcs, [
      'CREATE_DELETE_VOLUME',
      'PUBLISH_UNPUBLISH_VOLUME',
      'LIST_VOLUMES',
      'LIST_VOLUMES_PUBLISHED_NODES',
      'EXPAND_VOLUME',
    ]);
  });

  it('creates in the preferred zone, rounds up to whole GiB and is idempotent by name', async () => {
    const request = {
      name: 'pvc-1',
      capacity_range: { required_bytes: String(1.5 * GIB) },
      volume_capabilities: [mountRwo],
      parameters: { type: 'hdd' },
      accessibility_requirements: {
        requisite: [zone('az1'), zone('az2')],
        preferred: [zone('az2')],
      },
    };
    const { volume } = (await csi.controller.CreateVolume!(request)) as {
      volume: { volume_id: string; capacity_bytes: string; accessible_topology: unknown[] };
    };
    assert.equal(volume.capacity_bytes, String(2 * GIB));
    assert.deepEqual(volume.accessible_topology, [zone('az2')]);
    const stored = await provider.volumes.get({ id: volume.volume_id }, signal);
    assert.deepEqual([stored.zone, stored.volumeType, stored.sizeGb], ['az2', 'hdd', 2]);
    assert.equal(stored.tags['berth.dev/cluster'], 'c1');
    const again = (await csi.controller.CreateVolume!(request)) as {
      volume: { volume_id: string };
    };
    assert.equal(again.volume.volume_id, volume.volume_id);
    await rejectsWith(
      csi.controller.CreateVolume!({
        ...request,
        capacity_range: { required_bytes: String(5 * GIB) },
      }),
      status.ALREADY_EXISTS,
      'same name, larger',
    );
  });

  it('refuses bad input with the spec codes and leaves nothing behind', async () => {
    const base = { name: 'bad', volume_capabilities: [mountRwo], parameters: {} };
    const cases: Array<[object, status, string]> = [
      [{ ...base, name: '' }, status.INVALID_ARGUMENT, 'no name'],
      [{ ...base, volume_capabilities: [] }, status.INVALID_ARGUMENT, 'no capabilities'],
      [{ ...base, parameters: { type: 'floppy' } }, status.INVALID_ARGUMENT, 'unknown type'],
      [
        {
          ...base,
          capacity_range: { required_bytes: String(2000 * GIB) },
          parameters: { type: 'high-iops' },
        },
        status.OUT_OF_RANGE,
        'above the type maximum',
      ],
      [
        { ...base, capacity_range: { required_bytes: '1', limit_bytes: String(GIB / 2) } },
        status.OUT_OF_RANGE,
        'no whole GiB fits',
      ],
      [
        { ...base, accessibility_requirements: { requisite: [zone('az9')], preferred: [] } },
        status.INVALID_ARGUMENT,
        'a zone that does not exist',
      ],
      [
        {
          ...base,
          volume_capabilities: [{ ...mountRwo, access_mode: { mode: 'MULTI_NODE_MULTI_WRITER' } }],
        },
        status.INVALID_ARGUMENT,
        'many nodes',
      ],
      [
        {
          ...base,
          volume_capabilities: [
            { mount: { fs_type: 'xfs' }, access_mode: { mode: 'SINGLE_NODE_WRITER' } },
          ],
        },
        status.INVALID_ARGUMENT,
        'xfs',
      ],
    ];
    for (const [request, code, what] of cases) {
      await rejectsWith(csi.controller.CreateVolume!(request), code, what);
    }
    const names = (await provider.volumes.list({}, signal)).map((v) => v.name);
    assert.ok(!names.includes('bad'), 'no volume from a refused create');
  });

  it('publishes to one node at a time, in the volume zone, and lists who has it', async () => {
    const { volume } = (await csi.controller.CreateVolume!({
      name: 'pvc-pub',
      volume_capabilities: [mountRwo],
      accessibility_requirements: { requisite: [zone('az1')], preferred: [] },
    })) as { volume: { volume_id: string } };
    const id = volume.volume_id;
    const publish = (node: string) =>
      csi.controller.ControllerPublishVolume!({
        volume_id: id,
        node_id: node,
        volume_capability: mountRwo,
      });
    assert.deepEqual((await publish(nodes.a1!)).publish_context, { device: '/dev/vdb' });
    assert.deepEqual((await publish(nodes.a1!)).publish_context, { device: '/dev/vdb' });
    await rejectsWith(publish(nodes.b1!), status.FAILED_PRECONDITION, 'second node');
    await rejectsWith(publish('no-such-node'), status.NOT_FOUND, 'missing node');
    await rejectsWith(
      csi.controller.ControllerPublishVolume!({
        volume_id: 'nope',
        node_id: nodes.a1,
        volume_capability: mountRwo,
      }),
      status.NOT_FOUND,
      'missing volume',
    );
    const listed = (await csi.controller.ListVolumes!({})) as {
      entries: Array<{ volume: { volume_id: string }; status: { published_node_ids: string[] } }>;
    };
    const entry = listed.entries.find((e) => e.volume.volume_id === id);
    assert.deepEqual(entry?.status.published_node_ids, [nodes.a1]);

    await rejectsWith(
      csi.controller.DeleteVolume!({ volume_id: id }),
      status.FAILED_PRECONDITION,
      'delete published',
    );
    await csi.controller.ControllerUnpublishVolume!({ volume_id: id, node_id: nodes.b1 });
    assert.equal(
      (await provider.volumes.get({ id }, signal)).attachment?.serverId,
      nodes.a1,
      'other node: no-op',
    );
    await csi.controller.ControllerUnpublishVolume!({ volume_id: id, node_id: nodes.a1 });
    await csi.controller.ControllerUnpublishVolume!({ volume_id: id, node_id: nodes.a1 });
    assert.equal((await provider.volumes.get({ id }, signal)).attachment, null);
    await rejectsWith(publish(nodes.c2!), status.INVALID_ARGUMENT, 'a node in another zone');
    await csi.controller.DeleteVolume!({ volume_id: id });
    await csi.controller.DeleteVolume!({ volume_id: id });
  });

  it('pages the list and refuses a token it did not issue', async () => {
    const total = ((await csi.controller.ListVolumes!({})) as { entries: unknown[] }).entries
      .length;
    assert.ok(total >= 1);
    const first = (await csi.controller.ListVolumes!({ max_entries: 1 })) as {
      entries: unknown[];
      next_token: string;
    };
    assert.equal(first.entries.length, 1);
    assert.equal(first.next_token, total > 1 ? '1' : '');
    await rejectsWith(
      csi.controller.ListVolumes!({ starting_token: 'zzz' }),
      status.ABORTED,
      'bad token',
    );
  });

  it('expands (never shrinks), asks the node to grow the filesystem, validates capabilities', async () => {
    const { volume } = (await csi.controller.CreateVolume!({
      name: 'pvc-grow',
      volume_capabilities: [mountRwo],
    })) as { volume: { volume_id: string } };
    const id = volume.volume_id;
    const grown = await csi.controller.ControllerExpandVolume!({
      volume_id: id,
      capacity_range: { required_bytes: String(3 * GIB) },
    });
    assert.deepEqual(grown, { capacity_bytes: String(3 * GIB), node_expansion_required: true });
    const smaller = await csi.controller.ControllerExpandVolume!({
      volume_id: id,
      capacity_range: { required_bytes: String(GIB) },
    });
    assert.equal(smaller.capacity_bytes, String(3 * GIB));
    await rejectsWith(
      csi.controller.ControllerExpandVolume!({
        volume_id: 'nope',
        capacity_range: { required_bytes: '1' },
      }),
      status.NOT_FOUND,
      'expand missing',
    );
    const ok = await csi.controller.ValidateVolumeCapabilities!({
      volume_id: id,
      volume_capabilities: [mountRwo],
    });
    assert.ok(ok.confirmed !== null, 'supported capability confirmed');
    const multi = { ...mountRwo, access_mode: { mode: 'MULTI_NODE_MULTI_WRITER' } };
    const no = await csi.controller.ValidateVolumeCapabilities!({
      volume_id: id,
      volume_capabilities: [multi],
    });
    assert.equal(no.confirmed, null);
    assert.match(String(no.message), /one node at a time/);
    await csi.controller.DeleteVolume!({ volume_id: id });
  });
});
