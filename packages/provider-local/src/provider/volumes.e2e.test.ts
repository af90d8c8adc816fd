/**
 * Volumes on the local provider as a server sees them: a real block device at `root/dev/vdX`
 * inside the server's mount namespace only, that holds a filesystem, grows online, refuses a
 * detach while mounted (forced detach unmounts it), keeps its data across servers, and is
 * throttled to its type's IOPS — measured with fio inside the server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Server, Subnet, Volume } from '@berth/provider-api';
import { skipUnless, until } from '@berth/test-kit';
import { THROTTLE_FILES, parseThrottleRules } from '../machine/blkio.js';
import { loopsOf } from '../machine/block-devices.js';
import { hierarchies } from '../machine/cgroups.js';
import { mountNamespaceOf } from '../machine/mount-ns.js';
import { assertNoLeaks, e2eSkip, createE2eEnv, type E2eEnv } from '../testing/e2e-env.js';
import { LocalProvider } from './local-provider.js';

const signal = new AbortController().signal;
const tags = { 'berth.dev/cluster': 'volumes-e2e' };
const has = (...files: string[]) => files.some((f) => fs.existsSync(f));
const skip =
  e2eSkip ||
  skipUnless({
    fio: has('/usr/bin/fio'),
    losetup: has('/usr/sbin/losetup', '/sbin/losetup'),
    'mkfs.ext4': has('/usr/sbin/mkfs.ext4', '/sbin/mkfs.ext4'),
    'cgroup v1 blkio': fs.existsSync('/sys/fs/cgroup/blkio/cgroup.procs'),
  });

describe('local provider volumes as block devices', { skip, concurrency: false }, () => {
  let env: E2eEnv;
  let provider: LocalProvider;
  let subnet: Subnet;
  const servers: Record<string, Server> = {};

  const serverDir = (s: Server) => path.join(env.dataDir, 'servers', s.id);
  /** Runs a shell script inside the server's mount namespace, from the server's root. */
  const inServer = async (s: Server, script: string, check = true) => {
    const ns = mountNamespaceOf(serverDir(s));
    const root = path.join(serverDir(s), 'root');
    const out = await env.runner.run(
      'nsenter',
      [`--mount=${ns.file}`, '--', 'sh', '-c', `cd ${root} && ${script}`],
      { check, timeoutMs: 60_000 },
    );
    return out.stdout.trim();
  };
  const volume = async (name: string, volumeType: string, sizeGb = 1): Promise<Volume> =>
    provider.volumes.create({ name, tags, volumeType, sizeGb, zone: 'az1' }, signal);
  const fileOf = (v: Volume) => path.join(env.dataDir, 'volumes', v.volumeType, `${v.id}.img`);
  const blkioGroup = (s: Server) => {
    const hierarchy = hierarchies().find((h) => path.basename(h) === 'blkio')!;
    return path.join(hierarchy, provider.ctx.machines.cgroupPath(s.id));
  };
  /** Random 4 KiB direct reads (or writes) on the device for 2 s, in blkio group `group`. */
  const measureIops = async (s: Server, group: string, device: string, rw: string) => {
    const procs = path.join(group, 'cgroup.procs');
    const fio =
      `fio --name=m --filename=${device} --rw=${rw} --bs=4k --direct=1 --ioengine=psync ` +
      `--runtime=2 --time_based --size=64m --output-format=json`;
    const out = await inServer(s, `echo $$ > ${procs} && exec ${fio}`);
    const job = (JSON.parse(out) as { jobs: Array<Record<string, { iops: number }>> }).jobs[0]!;
    return rw.includes('read') ? job.read!.iops : job.write!.iops;
  };

  before(async () => {
    env = await createE2eEnv();
    provider = await LocalProvider.create({
      dataDir: env.dataDir,
      runner: env.runner,
      topology: { prefix: env.prefix, externalCidr: env.externalCidr },
      agents: { stopTimeoutMs: 5000 },
    });
    const network = await provider.networks.create({ name: 'net', tags }, signal);
    subnet = await provider.networks.createSubnet(
      { name: 'sub', tags, networkId: network.id, cidr: '10.89.0.0/24' },
      signal,
    );
    for (const name of ['a', 'b']) {
      const created = await provider.servers.create(
        {
          name: `vol-${name}`,
          tags,
          flavor: 'std-1-1',
          zone: 'az1',
          ports: [{ networkId: network.id, subnetId: subnet.id }],
        },
        signal,
      );
      servers[name] = await until(`server ${name} ACTIVE`, async () => {
        const s = await provider.servers.get({ id: created.id }, signal);
        return s.status === 'ACTIVE' && s;
      });
    }
  });

  after(async () => {
    for (const v of await provider.volumes.list({ tags }, signal))
      await provider.volumes.detach({ id: v.id, force: true }, signal);
    for (const s of await provider.servers.list({ tags }, signal))
      await provider.servers.delete({ id: s.id }, signal);
    for (const v of await provider.volumes.list({ tags }, signal))
      await provider.volumes.delete({ id: v.id }, signal);
    for (const n of await provider.networks.list({ tags }, signal))
      await provider.networks.delete({ id: n.id }, signal);
    await assertNoLeaks(env);
  });

  test('an attached volume is a block device inside its server only', async () => {
    const [a, b] = [servers.a!, servers.b!];
    const v = await volume('only-a', 'ssd');
    const attached = await provider.volumes.attach({ id: v.id, serverId: a.id }, signal);
    assert.equal(attached.attachment?.device, '/dev/vdb');
    const [loop] = loopsOf(fileOf(v));
    assert.ok(loop !== undefined, 'a loop device backs the volume file');
    const inside = await inServer(a, 'stat -c "%F %t:%T" dev/vdb');
    const [major, minor] = loop.id.split(':').map(Number);
    assert.equal(inside, `block special file ${major!.toString(16)}:${minor!.toString(16)}`);
    assert.equal(await inServer(a, 'blockdev --getsize64 dev/vdb'), String(1024 ** 3));
    assert.deepEqual(fs.readdirSync(path.join(serverDir(a), 'root', 'dev')), [], 'host sees none');
    assert.equal(
      await inServer(b, 'ls dev 2>/dev/null | wc -l'),
      '0',
      'the other server sees none',
    );

    await provider.volumes.detach({ id: v.id }, signal);
    assert.deepEqual(loopsOf(fileOf(v)), [], 'the loop device went with the attachment');
    assert.equal(await inServer(a, 'ls dev | wc -l'), '0', 'the node went with it');
    await provider.volumes.delete({ id: v.id }, signal);
  });

  test('mounted: detach is refused, extend grows the device in place, forced detach unmounts', async () => {
    const [a, b] = [servers.a!, servers.b!];
    const v = await volume('data', 'ssd', 1);
    await provider.volumes.attach({ id: v.id, serverId: a.id }, signal);
    await inServer(a, 'mkfs.ext4 -q dev/vdb && mkdir -p mnt && mount dev/vdb mnt');
    await inServer(a, 'echo kept > mnt/data && sync');

    await assert.rejects(provider.volumes.detach({ id: v.id }, signal), {
      code: 'BERTH_ERR_CONFLICT',
    });
    assert.equal((await provider.volumes.get({ id: v.id }, signal)).status, 'in-use');

    const grown = await provider.volumes.extend({ id: v.id, sizeGb: 2 }, signal);
    assert.deepEqual([grown.status, grown.sizeGb], ['in-use', 2]);
    assert.equal(await inServer(a, 'blockdev --getsize64 dev/vdb'), String(2 * 1024 ** 3));
    // The filesystem grows offline: an online ext4 resize needs CAP_SYS_RESOURCE, which
    // processes on this kind of host lack (docs/storage.md).
    await inServer(a, 'umount mnt && e2fsck -f -p dev/vdb >/dev/null && resize2fs dev/vdb 2>&1');
    await inServer(a, 'mount dev/vdb mnt');
    const blocks = Number(await inServer(a, 'df -k --output=size mnt | tail -1'));
    assert.ok(blocks > 1.8 * 1024 * 1024, `the filesystem grew: ${blocks} KiB`);

    await provider.volumes.detach({ id: v.id, force: true }, signal);
    assert.equal(await inServer(a, 'grep -c " $PWD/mnt " /proc/self/mountinfo', false), '0');
    await until('the loop device released', () => loopsOf(fileOf(v)).length === 0);

    await provider.volumes.attach({ id: v.id, serverId: b.id }, signal);
    assert.equal(
      await inServer(b, 'mkdir -p mnt && mount dev/vdb mnt && cat mnt/data && umount mnt'),
      'kept',
      'the data moved with the volume',
    );
    await provider.volumes.detach({ id: v.id }, signal);
  });

  test('the volume type limits IOPS in the server and in groups made below it later', async (t) => {
    const a = servers.a!;
    const hdd = await volume('slow', 'hdd');
    const ssd = await volume('fast', 'ssd');
    await provider.volumes.attach({ id: hdd.id, serverId: a.id }, signal);
    await provider.volumes.attach({ id: ssd.id, serverId: a.id }, signal);
    const group = blkioGroup(a);
    const hddRead = await measureIops(a, group, 'dev/vdb', 'randread');
    const hddWrite = await measureIops(a, group, 'dev/vdb', 'randwrite');
    const ssdRead = await measureIops(a, group, 'dev/vdc', 'randread');
    for (const [what, iops, limit] of [
      ['hdd randread', hddRead, 200],
      ['hdd randwrite', hddWrite, 200],
      ['ssd randread', ssdRead, 1000],
    ] as const) {
      t.diagnostic(`${what}: ${Math.round(iops)} IOPS (limit ${limit})`);
      assert.ok(iops <= limit * 1.15, `${what}: ${iops} IOPS above the limit ${limit}`);
      assert.ok(iops >= limit * 0.6, `${what}: ${iops} IOPS, far below the limit ${limit}`);
    }

    // A group kubelet or runc would make for a container: the agent adds the rules within ~1 s.
    const child = path.join(group, 'e2e-pod');
    fs.mkdirSync(child);
    try {
      const [loop] = loopsOf(fileOf(hdd));
      await until(
        'the agent throttles the new group',
        () =>
          parseThrottleRules(
            fs.readFileSync(path.join(child, THROTTLE_FILES.readIops), 'utf8'),
          ).get(loop!.id) === 200,
      );
      const childRead = await measureIops(a, child, 'dev/vdb', 'randread');
      t.diagnostic(`hdd randread in a group below: ${Math.round(childRead)} IOPS (limit 200)`);
      assert.ok(childRead <= 230 && childRead >= 120, `hdd randread below: ${childRead} IOPS`);
    } finally {
      await until(
        'the group is empty',
        () => fs.readFileSync(path.join(child, 'cgroup.procs'), 'utf8') === '',
      );
      fs.rmdirSync(child);
    }

    await provider.volumes.detach({ id: ssd.id }, signal);
    const [hddLoop] = loopsOf(fileOf(hdd));
    const rules = parseThrottleRules(
      fs.readFileSync(path.join(group, THROTTLE_FILES.readIops), 'utf8'),
    );
    assert.deepEqual([...rules.keys()], [hddLoop!.id], 'the detached device lost its rules');
    await provider.volumes.detach({ id: hdd.id }, signal);
  });
});
