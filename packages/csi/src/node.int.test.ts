/**
 * The Node service for real: a loop device over a sparse file, formatted, mounted, bound and
 * grown by the driver's commands inside a private mount namespace this test makes (nothing
 * shows on the host), through the gRPC socket.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import { ProcessRunner } from '@berth/exec';
import { skipUnless } from '@berth/test-kit';
import { GIB, ZONE_KEY } from './capabilities.js';
import { startCsiServer, type CsiServer } from './csi-server.js';
import { IdentityService } from './identity.js';
import { CommandMountHost } from './mount-host.js';
import { MountNamespaceRunner } from './mount-namespace-runner.js';
import { NodeService } from './node.js';
import { csiClient, type CsiClient } from './testing/csi-client.js';
import { testCsiProto } from './testing/csi-proto.js';

const has = (...files: string[]) => files.some((f) => fs.existsSync(f));
const skip = skipUnless({
  Linux: process.platform === 'linux',
  root: process.getuid?.() === 0,
  losetup: has('/usr/sbin/losetup', '/sbin/losetup'),
  'mkfs.ext4': has('/usr/sbin/mkfs.ext4', '/sbin/mkfs.ext4'),
  findmnt: has('/usr/bin/findmnt', '/bin/findmnt'),
});
/** CAP_SYS_RESOURCE (bit 24) in the effective set: online ext4 growth is allowed. */
const canGrowOnline = () => {
  const hex = /^CapEff:\s+([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
  return hex !== undefined && (BigInt(`0x${hex}`) & (1n << 24n)) !== 0n;
};
const mountRwo = { mount: { fs_type: 'ext4' }, access_mode: { mode: 'SINGLE_NODE_WRITER' } };
const blockRwo = { block: {}, access_mode: { mode: 'SINGLE_NODE_WRITER' } };

describe('CSI node service on a real loop device', { skip, concurrency: false }, () => {
  const host = new ProcessRunner();
  let dir: string;
  let nsFile: string;
  let file: string;
  let device: string;
  let server: CsiServer;
  let csi: CsiClient;
  let protoFile: string;
  const inNs = async (script: string, check = true) =>
    (
      await host.run('nsenter', [`--mount=${nsFile}`, '--', 'sh', '-c', script], { check })
    ).stdout.trim();

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csi-node-'));
    const nsDir = path.join(dir, 'ns');
    fs.mkdirSync(nsDir);
    await host.run('mount', ['--bind', nsDir, nsDir]);
    await host.run('mount', ['--make-private', nsDir]);
    nsFile = path.join(nsDir, 'mnt');
    fs.writeFileSync(nsFile, '');
    await host.run('unshare', [`--mount=${nsFile}`, '--propagation', 'private', 'true']);
    file = path.join(dir, 'volume.img');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, GIB);
    device = (await host.run('losetup', ['--find', '--show', file])).stdout.trim();
    const runner = new MountNamespaceRunner(host, nsFile);
    protoFile = await testCsiProto();
    server = await startCsiServer({
      socket: path.join(dir, 'csi.sock'),
      protoFile,
      identity: new IdentityService({ version: 'test', controller: false }),
      node: new NodeService({
        host: new CommandMountHost(runner),
        nodeId: 'server-1',
        zone: 'az2',
        deviceRoot: '/',
      }),
    });
    csi = csiClient(server.endpoint, protoFile);
  });

  after(async () => {
    csi?.close();
    await server?.stop();
    // The namespace ends with its file's mounts: everything the driver mounted goes with it.
    await host.run('umount', [nsFile], { check: false });
    await host.run('umount', [path.join(dir, 'ns')], { check: false });
    if (device) await host.run('losetup', ['--detach', device], { check: false });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const stagePath = () => path.join(dir, 'staging');
  const stage = () =>
    csi.node.NodeStageVolume!({
      volume_id: 'v1',
      publish_context: { device },
      staging_target_path: stagePath(),
      volume_capability: mountRwo,
    });

  it('reports the node, its zone and capabilities', async () => {
    const info = await csi.node.NodeGetInfo!();
    assert.deepEqual(info, {
      node_id: 'server-1',
      max_volumes_per_node: '24',
      accessible_topology: { segments: { [ZONE_KEY]: 'az2' } },
    });
    const caps = (await csi.node.NodeGetCapabilities!()).capabilities as Array<{
      rpc: { type: string };
    }>;
    assert.deepEqual(
      caps.map((c) => c.rpc.type),
      ['STAGE_UNSTAGE_VOLUME', 'EXPAND_VOLUME'],
    );
  });

  it('stages: formats ext4 once and mounts in the node namespace only', async () => {
    await stage();
    await stage();
    assert.equal(
      (await host.run('blkid', ['-p', '-o', 'value', '-s', 'TYPE', device])).stdout.trim(),
      'ext4',
    );
    assert.equal(await inNs(`findmnt -n -o SOURCE --mountpoint ${stagePath()}`), device);
    const onHost = await host.run('findmnt', ['-n', '--mountpoint', stagePath()], { check: false });
    assert.equal(onHost.stdout.trim(), '', 'the host does not see the mount');
    await inNs(`echo first > ${stagePath()}/data`);
    await csi.node.NodeUnstageVolume!({ volume_id: 'v1', staging_target_path: stagePath() });
    await csi.node.NodeUnstageVolume!({ volume_id: 'v1', staging_target_path: stagePath() });
    await stage();
    assert.equal(await inNs(`cat ${stagePath()}/data`), 'first', 'a second stage kept the data');
  });

  it('publishes by bind mount, read-write and read-only, and unpublishes', async () => {
    const rw = path.join(dir, 'pods', 'p1', 'volume');
    const ro = path.join(dir, 'pods', 'p2', 'volume');
    const publish = (target: string, readonly: boolean) =>
      csi.node.NodePublishVolume!({
        volume_id: 'v1',
        publish_context: { device },
        staging_target_path: stagePath(),
        target_path: target,
        volume_capability: mountRwo,
        readonly,
      });
    await publish(rw, false);
    await publish(rw, false);
    await publish(ro, true);
    await inNs(`echo from-pod > ${rw}/pod-file`);
    assert.equal(await inNs(`cat ${ro}/pod-file`), 'from-pod');
    assert.notEqual(
      (
        await host.run('nsenter', [`--mount=${nsFile}`, '--', 'sh', '-c', `echo x > ${ro}/nope`], {
          check: false,
        })
      ).exitCode,
      0,
      'the read-only target refuses writes',
    );
    await assert.rejects(
      publish(ro, false),
      (err: { code: number }) => err.code === status.ALREADY_EXISTS,
    );
    for (const target of [rw, ro]) {
      await csi.node.NodeUnpublishVolume!({ volume_id: 'v1', target_path: target });
      await csi.node.NodeUnpublishVolume!({ volume_id: 'v1', target_path: target });
      assert.equal(fs.existsSync(target), false, `${target} removed`);
    }
  });

  it('grows the filesystem after the device grew: online where allowed, else at the next stage', async () => {
    fs.truncateSync(file, 2 * GIB);
    await host.run('losetup', ['--set-capacity', device]);
    const expand = csi.node.NodeExpandVolume!({ volume_id: 'v1', volume_path: stagePath() });
    if (canGrowOnline()) {
      assert.equal((await expand).capacity_bytes, String(2 * GIB));
    } else {
      await assert.rejects(expand, (err: { code: number; details: string }) => {
        assert.equal(err.code, status.FAILED_PRECONDITION);
        assert.match(err.details, /CAP_SYS_RESOURCE/);
        return true;
      });
      await csi.node.NodeUnstageVolume!({ volume_id: 'v1', staging_target_path: stagePath() });
      await stage();
    }
    const kib = Number(await inNs(`df -k --output=size ${stagePath()} | tail -1`));
    assert.ok(kib > 1.8 * 1024 * 1024, `filesystem is ${kib} KiB`);
    assert.equal(await inNs(`cat ${stagePath()}/data`), 'first');
    assert.deepEqual(
      await csi.node.NodeExpandVolume!({ volume_id: 'v1', volume_path: stagePath() }),
      {
        capacity_bytes: String(2 * GIB),
      },
    );
    await csi.node.NodeUnstageVolume!({ volume_id: 'v1', staging_target_path: stagePath() });
  });

  it('publishes a block volume as the device itself', async () => {
    const target = path.join(dir, 'pods', 'p3', 'dev');
    await csi.node.NodeStageVolume!({
      volume_id: 'v1',
      publish_context: { device },
      staging_target_path: stagePath(),
      volume_capability: blockRwo,
    });
    await csi.node.NodePublishVolume!({
      volume_id: 'v1',
      publish_context: { device },
      staging_target_path: stagePath(),
      target_path: target,
      volume_capability: blockRwo,
      readonly: false,
    });
    assert.equal(await inNs(`blockdev --getsize64 ${target}`), String(2 * GIB));
    await csi.node.NodeUnpublishVolume!({ volume_id: 'v1', target_path: target });
    assert.equal(fs.existsSync(target), false);
  });

  it('refuses missing fields and a device that is not there', async () => {
    await assert.rejects(
      csi.node.NodeStageVolume!({
        volume_id: 'v1',
        staging_target_path: stagePath(),
        volume_capability: mountRwo,
      }),
      (err: { code: number }) => err.code === status.INVALID_ARGUMENT,
    );
    await assert.rejects(
      csi.node.NodeStageVolume!({
        volume_id: 'v1',
        publish_context: { device: '/dev/vdz-none' },
        staging_target_path: stagePath(),
        volume_capability: mountRwo,
      }),
      (err: { code: number }) => err.code === status.NOT_FOUND,
    );
    await assert.rejects(
      csi.node.NodePublishVolume!({
        volume_id: 'v1',
        target_path: '',
        volume_capability: mountRwo,
      }),
      (err: { code: number }) => err.code === status.INVALID_ARGUMENT,
    );
  });
});
