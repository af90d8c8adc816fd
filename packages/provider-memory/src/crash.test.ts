import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signal, tags, world } from './test-world.js';

describe('simulated server crash', () => {
  it('a crashed server is ERROR with a fault; start refuses, reboot recovers', async () => {
    const { provider, server } = await world();
    const s = await server('master-0');
    provider.crashServer(s.id);
    const crashed = await provider.servers.get({ id: s.id }, signal);
    assert.equal(crashed.status, 'ERROR');
    assert.match(crashed.fault?.message ?? '', /crash/);
    await assert.rejects(provider.servers.start({ id: s.id }, signal), {
      code: 'BERTH_ERR_INVALID_STATE',
    });
    const rebooted = await provider.servers.reboot({ id: s.id }, signal);
    assert.deepEqual([rebooted.status, rebooted.fault], ['ACTIVE', null]);
  });

  it('recoverServer brings it back; crashing a missing server is NOT_FOUND', async () => {
    const { provider, server } = await world();
    const s = await server('w');
    provider.crashServer(s.id);
    provider.recoverServer(s.id);
    assert.equal((await provider.servers.get({ id: s.id }, signal)).status, 'ACTIVE');
    assert.throws(() => provider.crashServer('server-missing'), { code: 'BERTH_ERR_NOT_FOUND' });
  });

  it('monitored members of a crashed server go ERROR and degrade their pool and load balancer', async () => {
    const { provider, subnet, server } = await world();
    const [a, b] = [await server('a'), await server('b')];
    const lbs = provider.loadBalancers;
    const lb = await lbs.create({ name: 'api', tags, vipSubnetId: subnet.id }, signal);
    const listener = await lbs.createListener(
      { name: 'l', tags, loadBalancerId: lb.id, protocol: 'TCP', protocolPort: 6443 },
      signal,
    );
    const pool = await lbs.createPool(
      {
        name: 'p',
        tags,
        loadBalancerId: lb.id,
        listenerId: listener.id,
        protocol: 'TCP',
        lbAlgorithm: 'ROUND_ROBIN',
      },
      signal,
    );
    const members = [];
    for (const s of [a, b]) {
      members.push(
        await lbs.createMember(
          { name: s.name, tags, poolId: pool.id, address: s.ports[0]!.fixedIp, protocolPort: 6443 },
          signal,
        ),
      );
    }
    assert.equal(members[0]?.operatingStatus, 'NO_MONITOR');
    await lbs.createHealthMonitor(
      {
        name: 'hm',
        tags,
        poolId: pool.id,
        type: 'TCP',
        delaySeconds: 2,
        timeoutSeconds: 1,
        maxRetries: 1,
      },
      signal,
    );
    assert.equal((await lbs.get({ id: lb.id }, signal)).operatingStatus, 'ONLINE');
    provider.crashServer(a.id);
    assert.equal((await lbs.getMember({ id: members[0]!.id }, signal)).operatingStatus, 'ERROR');
    assert.equal((await lbs.getMember({ id: members[1]!.id }, signal)).operatingStatus, 'ONLINE');
    assert.equal((await lbs.getPool({ id: pool.id }, signal)).operatingStatus, 'DEGRADED');
    assert.equal((await lbs.get({ id: lb.id }, signal)).operatingStatus, 'DEGRADED');
    await provider.servers.stop({ id: b.id }, signal);
    assert.equal((await lbs.getListener({ id: listener.id }, signal)).operatingStatus, 'ERROR');
    provider.recoverServer(a.id);
    assert.equal((await lbs.get({ id: lb.id }, signal)).operatingStatus, 'DEGRADED');
  });
});
