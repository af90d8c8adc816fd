import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryProvider } from './memory-provider.js';
import { hypervisorsPerZone } from './catalog-config.js';
import { signal, tags, world } from './test-world.js';

describe('memory provider behaviour', () => {
  it('default catalog: std flavors, three zones with three hypervisors, three volume types', async () => {
    const { catalog } = new MemoryProvider();
    assert.deepEqual(await catalog.getFlavor({ name: 'std-2-4' }, signal), {
      name: 'std-2-4',
      vcpus: 2,
      ramMiB: 4096,
      diskGb: 20,
    });
    assert.deepEqual(
      (await catalog.listFlavors({}, signal)).map((f) => f.name),
      ['std-2-4', 'std-4-8', 'std-8-16'],
    );
    assert.deepEqual(
      (await catalog.listZones({}, signal)).map((z) => z.name),
      ['az1', 'az2', 'az3'],
    );
    assert.deepEqual(
      (await catalog.listHypervisors({ zone: 'az2' }, signal)).map((h) => h.name),
      ['az2-hv1', 'az2-hv2', 'az2-hv3'],
    );
    assert.deepEqual(
      (await catalog.listVolumeTypes({}, signal)).map((t) => t.name),
      ['ssd', 'hdd', 'high-iops'],
    );
  });

  it('a configured catalog replaces the defaults it names', async () => {
    const provider = new MemoryProvider({
      catalog: {
        zones: [{ name: 'z', available: true }],
        hypervisors: hypervisorsPerZone(['z'], 1),
      },
    });
    assert.deepEqual(
      (await provider.catalog.listHypervisors({}, signal)).map((h) => h.name),
      ['z-hv1'],
    );
    assert.equal((await provider.catalog.listFlavors({}, signal)).length, 3);
  });

  it('settleReads: BUILD / PENDING_CREATE / creating for the first N reads', async () => {
    const { provider, subnet, server } = await world({ settleReads: 2 });
    const s = await server('vm');
    assert.equal(s.status, 'BUILD');
    const reads = [];
    for (let i = 0; i < 3; i++)
      reads.push((await provider.servers.get({ id: s.id }, signal)).status);
    assert.deepEqual(reads, ['BUILD', 'BUILD', 'ACTIVE']);
    const lb = await provider.loadBalancers.create(
      { name: 'lb', tags, vipSubnetId: subnet.id },
      signal,
    );
    assert.equal(lb.provisioningStatus, 'PENDING_CREATE');
    await assert.rejects(
      provider.loadBalancers.createListener(
        { name: 'l', tags, loadBalancerId: lb.id, protocol: 'TCP', protocolPort: 80 },
        signal,
      ),
      { code: 'BERTH_ERR_CONFLICT' },
    );
    await provider.loadBalancers.get({ id: lb.id }, signal);
    await provider.loadBalancers.get({ id: lb.id }, signal);
    assert.equal(
      (await provider.loadBalancers.get({ id: lb.id }, signal)).provisioningStatus,
      'ACTIVE',
    );
    const vol = await provider.volumes.create(
      { name: 'v', tags, volumeType: 'ssd', sizeGb: 1, zone: 'az1' },
      signal,
    );
    assert.equal(vol.status, 'creating');
    await assert.rejects(provider.volumes.attach({ id: vol.id, serverId: s.id }, signal), {
      code: 'BERTH_ERR_CONFLICT',
    });
  });

  it('quotas refuse creates beyond them with BERTH_ERR_PROVIDER_QUOTA', async () => {
    const { provider, server } = await world({ quotas: { servers: 2, vcpus: 4, volumeGb: 10 } });
    await server('a');
    await server('b');
    await assert.rejects(server('c'), { code: 'BERTH_ERR_PROVIDER_QUOTA' });
    await provider.volumes.create(
      { name: 'v1', tags, volumeType: 'ssd', sizeGb: 10, zone: 'az1' },
      signal,
    );
    await assert.rejects(
      provider.volumes.create(
        { name: 'v2', tags, volumeType: 'ssd', sizeGb: 1, zone: 'az1' },
        signal,
      ),
      { code: 'BERTH_ERR_PROVIDER_QUOTA' },
    );
  });

  it('is deterministic: the same calls with the same clock give the same state', async () => {
    const run = async () => {
      const { provider, server } = await world({ now: () => new Date('2030-01-01T00:00:00Z') });
      await server('a');
      await server('b');
      return provider.snapshotState();
    };
    assert.deepEqual(await run(), await run());
  });

  it('placement skips hypervisors marked down', async () => {
    const { provider, server } = await world();
    provider.setHypervisorState('az1-hv1', 'down');
    provider.setHypervisorState('az1-hv2', 'down');
    assert.equal((await server('a')).hypervisor, 'az1-hv3');
    assert.equal((await server('b')).hypervisor, 'az1-hv3');
  });

  it('returns snapshots: mutating a result changes nothing inside', async () => {
    const { provider, server } = await world();
    const s = await server('a');
    s.ports[0]!.fixedIp = '1.2.3.4';
    (s.tags as Record<string, string>)['x'] = 'y';
    const again = await provider.servers.get({ id: s.id }, signal);
    assert.notEqual(again.ports[0]?.fixedIp, '1.2.3.4');
    assert.equal(again.tags['x'], undefined);
  });

  it('keeps user data out of server views but hands it to userDataOf', async () => {
    const { provider, subnet } = await world();
    const userData = { files: [{ path: '/etc/k', content: 'secret-key' }], services: [] };
    const s = await provider.servers.create(
      {
        name: 'a',
        tags,
        flavor: 'std-2-4',
        zone: 'az1',
        ports: [{ networkId: subnet.networkId }],
        userData,
      },
      signal,
    );
    assert.ok(!JSON.stringify(await provider.servers.list({}, signal)).includes('secret-key'));
    assert.deepEqual(provider.userDataOf(s.id), userData);
  });
});
