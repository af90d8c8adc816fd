/** The full life of a load balancer and its children, one step of the contract at a time. */
import assert from 'node:assert/strict';
import { cidrContains } from '@berth/net';
import {
  assertSettled,
  createLoadBalancer,
  topologyFor,
  waitForLoadBalancer,
} from './lb-helpers.js';
import { rejectsWithCode, type Scenario } from './scenario.js';

export const loadBalancerLifecycle: Scenario = {
  name: 'load balancer, listener, pool, member and monitor CRUD with statuses',
  needs: ['loadBalancers'],
  async run(env) {
    const lbs = env.provider.loadBalancers;
    const { subnet } = await env.network('net');
    const backend = await env.server('master-0', subnet);
    const lb = await createLoadBalancer(env, 'api', subnet);
    assertSettled('load balancer', lb);
    assert.equal(lb.topology, topologyFor(env));
    assert.equal(lb.vipSubnetId, subnet.id);
    assert.equal(lb.vipNetworkId, subnet.networkId);
    assert.ok(cidrContains(subnet.cidr, lb.vipAddress) && lb.vipAddress !== subnet.gatewayIp);
    assert.notEqual(lb.vipAddress, backend.ports[0]?.fixedIp, 'VIP collides with a server');
    const lbAgain = await lbs.create(
      { name: lb.name, tags: env.tags, vipSubnetId: subnet.id, topology: lb.topology },
      env.signal,
    );
    assert.equal(lbAgain.id, lb.id, 'duplicate load balancer');

    const listenerInput = {
      name: env.name('api-6443'),
      tags: env.tags,
      loadBalancerId: lb.id,
      protocol: 'TCP' as const,
      protocolPort: 6443,
    };
    const listener = await lbs.createListener(listenerInput, env.signal);
    assertSettled('listener', listener);
    assert.equal((await lbs.createListener(listenerInput, env.signal)).id, listener.id);
    await waitForLoadBalancer(env, lb.id);
    await rejectsWithCode(
      lbs.createListener({ ...listenerInput, name: env.name('dup-port') }, env.signal),
      'BERTH_ERR_CONFLICT',
      'second listener on the same port',
    );
    const poolInput = {
      name: env.name('api-pool'),
      tags: env.tags,
      loadBalancerId: lb.id,
      listenerId: listener.id,
      protocol: 'TCP' as const,
      lbAlgorithm: 'ROUND_ROBIN' as const,
    };
    const pool = await lbs.createPool(poolInput, env.signal);
    assertSettled('pool', pool);
    assert.equal(pool.sessionPersistence, 'NONE');
    assert.equal((await lbs.createPool(poolInput, env.signal)).id, pool.id);
    await waitForLoadBalancer(env, lb.id);
    assert.equal((await lbs.getListener({ id: listener.id }, env.signal)).defaultPoolId, pool.id);

    const address = backend.ports[0]!.fixedIp;
    const memberInput = {
      name: env.name('m0'),
      tags: env.tags,
      poolId: pool.id,
      address,
      protocolPort: 6443,
    };
    const member = await lbs.createMember(memberInput, env.signal);
    assertSettled('member', member);
    assert.equal(member.weight, 1);
    const renamed = await lbs.createMember(
      { ...memberInput, name: env.name('m0-again') },
      env.signal,
    );
    assert.equal(renamed.id, member.id, 'same address and port made a second member');
    await waitForLoadBalancer(env, lb.id);

    const monitorInput = {
      name: env.name('api-hm'),
      tags: env.tags,
      poolId: pool.id,
      type: 'TCP' as const,
      delaySeconds: 5,
      timeoutSeconds: 3,
      maxRetries: 2,
    };
    const monitor = await lbs.createHealthMonitor(monitorInput, env.signal);
    assertSettled('monitor', monitor);
    assert.equal(monitor.maxRetriesDown, 3);
    assert.equal((await lbs.createHealthMonitor(monitorInput, env.signal)).id, monitor.id);
    await waitForLoadBalancer(env, lb.id);
    await rejectsWithCode(
      lbs.createHealthMonitor({ ...monitorInput, name: env.name('hm2') }, env.signal),
      'BERTH_ERR_CONFLICT',
      'second monitor on a pool',
    );

    assertSettled('monitored member', await lbs.getMember({ id: member.id }, env.signal));
    const full = await lbs.get({ id: lb.id }, env.signal);
    assertSettled('load balancer with children', full);
    assert.deepEqual(full.listenerIds, [listener.id]);
    assert.deepEqual(full.poolIds, [pool.id]);
    const fetchedPool = await lbs.getPool({ id: pool.id }, env.signal);
    assert.deepEqual(fetchedPool.memberIds, [member.id]);
    assert.equal(fetchedPool.healthMonitorId, monitor.id);
    assertSettled('pool with members', fetchedPool);
    assert.deepEqual(
      (await lbs.listMembers({ poolId: pool.id }, env.signal)).map((m) => m.id),
      [member.id],
    );

    const updated = await lbs.updateListener(
      { id: listener.id, allowedCidrs: ['10.0.0.0/8'] },
      env.signal,
    );
    assert.deepEqual(updated.allowedCidrs, ['10.0.0.0/8']);
    await waitForLoadBalancer(env, lb.id);
    const repooled = await lbs.updatePool(
      { id: pool.id, lbAlgorithm: 'LEAST_CONNECTIONS' },
      env.signal,
    );
    assert.equal(repooled.lbAlgorithm, 'LEAST_CONNECTIONS');
    await waitForLoadBalancer(env, lb.id);
    const slower = await lbs.updateHealthMonitor({ id: monitor.id, delaySeconds: 10 }, env.signal);
    assert.equal(slower.delaySeconds, 10);
    await waitForLoadBalancer(env, lb.id);

    await lbs.deleteMember({ id: member.id }, env.signal);
    await lbs.deleteMember({ id: member.id }, env.signal);
    await waitForLoadBalancer(env, lb.id);
    await lbs.deleteHealthMonitor({ id: monitor.id }, env.signal);
    await lbs.deleteHealthMonitor({ id: monitor.id }, env.signal);
    await waitForLoadBalancer(env, lb.id);
    await lbs.deletePool({ id: pool.id }, env.signal);
    await waitForLoadBalancer(env, lb.id);
    assert.equal((await lbs.getListener({ id: listener.id }, env.signal)).defaultPoolId, null);
    await lbs.deleteListener({ id: listener.id }, env.signal);
    await lbs.deleteListener({ id: listener.id }, env.signal);
    await waitForLoadBalancer(env, lb.id);
    await lbs.delete({ id: lb.id }, env.signal);
    await lbs.delete({ id: lb.id }, env.signal);
    await rejectsWithCode(
      lbs.get({ id: lb.id }, env.signal),
      'BERTH_ERR_NOT_FOUND',
      'get deleted lb',
    );
  },
};
