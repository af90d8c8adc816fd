/** The Node service's decisions with a fake host: what it formats, grows, mounts and refuses. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BerthError } from '@berth/errors';
import type { MountHost, Mounted } from './mount-host.js';
import { NodeService } from './node.js';

class FakeHost implements MountHost {
  calls: string[] = [];
  devices = new Map<string, { fs: string; bytes: number; fsBytes: number }>();
  mounts = new Map<string, Mounted>();
  growOnline = true;
  async isBlockDevice(p: string) {
    return this.devices.has(p);
  }
  async fsType(d: string) {
    return this.devices.get(d)!.fs;
  }
  async formatExt4(d: string) {
    this.calls.push(`format ${d}`);
    const dev = this.devices.get(d)!;
    Object.assign(dev, { fs: 'ext4', fsBytes: dev.bytes });
  }
  async deviceBytes(d: string) {
    return this.devices.get(d)!.bytes;
  }
  async ext4Bytes(d: string) {
    return this.devices.get(d)!.fsBytes;
  }
  async growExt4Offline(d: string) {
    this.calls.push(`grow-offline ${d}`);
    const dev = this.devices.get(d)!;
    dev.fsBytes = dev.bytes;
  }
  async growExt4Online(d: string) {
    this.calls.push(`grow-online ${d}`);
    if (this.growOnline) this.devices.get(d)!.fsBytes = this.devices.get(d)!.bytes;
    return this.growOnline;
  }
  async mountedAt(p: string) {
    return this.mounts.get(p);
  }
  async mount(d: string, t: string, fs: string, o: string[]) {
    this.calls.push(`mount ${fs} ${o.join(',')} ${d} ${t}`);
    this.mounts.set(t, { source: d, majMin: '7:0', options: ['rw'] });
  }
  async bind(s: string, t: string, ro: boolean) {
    this.calls.push(`bind${ro ? ' ro' : ''} ${s} ${t}`);
    const source = this.mounts.get(s)?.source ?? s;
    this.mounts.set(t, { source, majMin: '7:0', options: [ro ? 'ro' : 'rw'] });
  }
  async unmount(t: string) {
    this.calls.push(`umount ${t}`);
    this.mounts.delete(t);
  }
  async makeDir(p: string) {
    this.calls.push(`mkdir ${p}`);
  }
  async makeFile(p: string) {
    this.calls.push(`touch ${p}`);
  }
  async remove(p: string) {
    this.calls.push(`remove ${p}`);
  }
}

const cap = {
  mount: { fs_type: '', mount_flags: ['noatime'] },
  access_mode: { mode: 'SINGLE_NODE_WRITER' as const },
};
const stageReq = {
  volume_id: 'v',
  publish_context: { device: '/dev/vdb' },
  staging_target_path: '/s',
  volume_capability: cap,
};
const code = (c: string) => (err: BerthError) => err.code === c;

function world() {
  const host = new FakeHost();
  host.devices.set('/srv/root/dev/vdb', { fs: '', bytes: 2, fsBytes: 0 });
  const node = new NodeService({ host, nodeId: 'n', zone: 'az1', deviceRoot: '/srv/root' });
  return { host, node };
}

describe('CSI node decisions', () => {
  it('formats a blank device once, under the node root, with the requested mount flags', async () => {
    const { host, node } = world();
    await node.stage(stageReq);
    await node.stage(stageReq);
    assert.deepEqual(host.calls, [
      'format /srv/root/dev/vdb',
      'mkdir /s',
      'mount ext4 noatime /srv/root/dev/vdb /s',
    ]);
  });

  it('grows a filesystem smaller than its device before mounting; never reformats one', async () => {
    const { host, node } = world();
    host.devices.set('/srv/root/dev/vdb', { fs: 'ext4', bytes: 4, fsBytes: 2 });
    await node.stage(stageReq);
    assert.deepEqual(host.calls.slice(0, 1), ['grow-offline /srv/root/dev/vdb']);
    assert.ok(!host.calls.some((c) => c.startsWith('format')));
  });

  it('refuses a device holding another filesystem, and a staging path holding another device', async () => {
    const { host, node } = world();
    host.devices.set('/srv/root/dev/vdb', { fs: 'xfs', bytes: 2, fsBytes: 2 });
    await assert.rejects(node.stage(stageReq), code('BERTH_ERR_INVALID_STATE'));
    host.mounts.set('/s', { source: '/dev/other', majMin: '8:0', options: ['rw'] });
    await assert.rejects(node.stage(stageReq), code('BERTH_ERR_ALREADY_EXISTS'));
  });

  it('publishes only what is staged; unpublish unmounts and removes the target', async () => {
    const { host, node } = world();
    const pub = { ...stageReq, target_path: '/pod/vol', readonly: true };
    await assert.rejects(node.publish(pub), code('BERTH_ERR_INVALID_STATE'));
    await node.stage(stageReq);
    await node.publish(pub);
    assert.ok(host.calls.includes('bind ro /s /pod/vol'));
    await node.unpublish({ volume_id: 'v', target_path: '/pod/vol' });
    assert.deepEqual(host.calls.slice(-2), ['umount /pod/vol', 'remove /pod/vol']);
  });

  it('expands online when the host allows; otherwise says how to grow it', async () => {
    const { host, node } = world();
    await node.stage(stageReq);
    host.devices.get('/srv/root/dev/vdb')!.bytes = 8;
    const req = {
      volume_id: 'v',
      volume_path: '/s',
      capacity_range: null,
      volume_capability: null,
    };
    host.growOnline = false;
    await assert.rejects(
      node.expand(req),
      (err: BerthError) =>
        err.code === 'BERTH_ERR_INVALID_STATE' && /unstage and stage/.test(err.message),
    );
    host.growOnline = true;
    assert.deepEqual(await node.expand(req), { capacity_bytes: '8' });
    await assert.rejects(
      node.expand({ ...req, volume_path: '/nowhere' }),
      code('BERTH_ERR_NOT_FOUND'),
    );
  });
});
