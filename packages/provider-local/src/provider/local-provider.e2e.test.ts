/**
 * The local provider driven through its API, as Berth's controllers drive it, with traffic:
 * servers run user-data services, a floating IP reaches a server, security groups drop what
 * they do not allow, an ACTIVE_STANDBY load balancer survives the loss of its active amphora,
 * a stopped member goes ERROR, and a fresh provider instance re-adopts running servers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { LoadBalancer, Server, Subnet } from '@berth/provider-api';
import { assertNoLeaks, e2eSkip, createE2eEnv, type E2eEnv } from '../testing/e2e-env.js';
import { until } from '@berth/test-kit';
import { LocalProvider } from './local-provider.js';

const signal = new AbortController().signal;
const tags = { 'berth.dev/cluster': 'e2e' };

describe('local provider end to end', { skip: e2eSkip, concurrency: false }, () => {
  let env: E2eEnv;
  let provider: LocalProvider;
  let subnet: Subnet;
  let routerId: string;
  let webGroupId: string;
  const servers: Record<string, Server> = {};
  let lb: LoadBalancer;

  const open = (options: Partial<Parameters<typeof LocalProvider.create>[0]> = {}) =>
    LocalProvider.create({
      dataDir: env.dataDir,
      runner: env.runner,
      topology: { prefix: env.prefix, externalCidr: env.externalCidr },
      agents: { stopTimeoutMs: 5000 },
      ...options,
    });
  const fipFor = async (name: string, portId: string) =>
    (
      await provider.floatingIps.create(
        { name, tags, floatingNetworkId: provider.ctx.external.networkId, portId },
        signal,
      )
    ).address;
  const answer = (host: string, port: number, timeoutMs = 1500) =>
    env.connect(undefined, host, port, timeoutMs);
  const answerFrom = (ns: string, host: string, port: number, timeoutMs = 1500) =>
    env.connect(ns, host, port, timeoutMs);

  before(async () => {
    env = await createE2eEnv();
    provider = await open();
    const network = await provider.networks.create({ name: 'net', tags }, signal);
    subnet = await provider.networks.createSubnet(
      { name: 'sub', tags, networkId: network.id, cidr: '10.88.0.0/24' },
      signal,
    );
    const router = await provider.routers.create(
      { name: 'r', tags, externalGateway: { networkId: provider.ctx.external.networkId } },
      signal,
    );
    routerId = router.id;
    await provider.routers.addInterface({ id: routerId, subnetId: subnet.id }, signal);
    const web = await provider.securityGroups.create({ name: 'web', tags }, signal);
    webGroupId = web.id;
    await provider.securityGroups.addRule(
      {
        securityGroupId: web.id,
        direction: 'ingress',
        protocol: 'tcp',
        portRangeMin: 9000,
        portRangeMax: 9000,
      },
      signal,
    );
    for (const name of ['a', 'b']) {
      const [command, ...args] = env.listenArgv(name, [9000, 9001]);
      servers[name] = await provider.servers.create(
        {
          name: `srv-${name}`,
          tags,
          flavor: 'std-1-1',
          zone: 'az1',
          ports: [{ networkId: network.id }],
          securityGroupIds: [web.id],
          userData: {
            files: [{ path: '/etc/berth/role', content: `web-${name}\n`, mode: 0o600 }],
            services: [{ name: 'probe', command: [command as string, ...args] }],
          },
        },
        signal,
      );
    }
  });

  after(async () => {
    for (const f of await provider.floatingIps.list({ tags }, signal))
      await provider.floatingIps.delete({ id: f.id }, signal);
    for (const l of await provider.loadBalancers.list({ tags }, signal))
      await provider.loadBalancers.delete({ id: l.id }, signal);
    for (const s of await provider.servers.list({ tags }, signal))
      await provider.servers.delete({ id: s.id }, signal);
    await provider.routers
      .removeInterface({ id: routerId, subnetId: subnet.id }, signal)
      .catch(() => undefined);
    await provider.routers.delete({ id: routerId }, signal).catch(() => undefined);
    for (const g of await provider.securityGroups.list({ tags }, signal))
      await provider.securityGroups.delete({ id: g.id }, signal);
    for (const n of await provider.networks.list({ tags }, signal))
      await provider.networks.delete({ id: n.id }, signal);
    await assertNoLeaks(env);
  });

  test('servers are ACTIVE, spread over hypervisors, and run their user data', async () => {
    for (const [name, s] of Object.entries(servers)) {
      assert.equal(s.status, 'ACTIVE', JSON.stringify(s.fault));
      const root = path.join(env.dataDir, 'servers', s.id, 'root');
      assert.equal(fs.readFileSync(path.join(root, 'etc/berth/role'), 'utf8'), `web-${name}\n`);
      assert.equal(fs.statSync(path.join(root, 'etc/berth/role')).mode & 0o777, 0o600);
    }
    assert.notEqual(servers.a?.hypervisor, servers.b?.hypervisor);
  });

  test('a floating IP reaches a server; its security group drops other ports', async () => {
    const fip = await fipFor('fip-a', servers.a!.ports[0]!.id);
    assert.equal(
      await until('probe on a', async () => {
        const reply = await answer(fip, 9000);
        return reply.startsWith('a ') ? reply : undefined;
      }),
      `a ${env.ext(1)}`,
    );
    assert.equal(await answer(fip, 9001, 1000), 'TIMEOUT');
    await provider.securityGroups.addRule(
      { securityGroupId: webGroupId, direction: 'ingress', protocol: 'tcp', portRangeMin: 9001 },
      signal,
    );
    assert.equal(
      await answer(fip, 9001),
      `a ${env.ext(1)}`,
      'a new rule applies without a restart',
    );
  });

  test('a router route sends a CIDR to a server (a node pod CIDR); removing it stops that', async () => {
    const a = servers.a!;
    const nsA = provider.ctx.topology.names.server(a.id);
    const nsB = provider.ctx.topology.names.server(servers.b!.id);
    // What a node's bridge does for its pods: an address of the routed CIDR behind the server.
    await env.runner.run('ip', [
      '-n',
      nsA,
      'link',
      'add',
      'pod0',
      'type',
      'veth',
      'peer',
      'name',
      'pod1',
    ]);
    await env.runner.run('ip', ['-n', nsA, 'addr', 'add', '10.250.1.1/24', 'dev', 'pod0']);
    await env.runner.run('ip', ['-n', nsA, 'link', 'set', 'pod0', 'up']);
    assert.equal(
      await answerFrom(nsB, '10.250.1.1', 9000, 1000),
      'TIMEOUT',
      'routed before the route',
    );
    const router = await provider.routers.setRoutes(
      { id: routerId, routes: [{ destination: '10.250.1.0/24', nexthop: a.ports[0]!.fixedIp }] },
      signal,
    );
    assert.equal(router.routes.length, 1);
    assert.equal(
      await answerFrom(nsB, '10.250.1.1', 9000),
      `a ${servers.b!.ports[0]!.fixedIp}`,
      'b reaches the routed address through the router',
    );
    await provider.routers.setRoutes({ id: routerId, routes: [] }, signal);
    assert.equal(await answerFrom(nsB, '10.250.1.1', 9000, 1000), 'TIMEOUT', 'route removed');
    await env.runner.run('ip', ['-n', nsA, 'link', 'del', 'pod0']);
  });

  test('an ACTIVE_STANDBY load balancer balances and survives losing its active amphora', async () => {
    lb = await provider.loadBalancers.create(
      { name: 'api', tags, vipSubnetId: subnet.id, topology: 'ACTIVE_STANDBY' },
      signal,
    );
    const listener = await provider.loadBalancers.createListener(
      { name: 'l', tags, loadBalancerId: lb.id, protocol: 'TCP', protocolPort: 80 },
      signal,
    );
    const pool = await provider.loadBalancers.createPool(
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
    for (const s of Object.values(servers)) {
      await provider.loadBalancers.createMember(
        { name: s.name, tags, poolId: pool.id, address: s.ports[0]!.fixedIp, protocolPort: 9000 },
        signal,
      );
    }
    await provider.loadBalancers.createHealthMonitor(
      {
        name: 'hm',
        tags,
        poolId: pool.id,
        type: 'TCP',
        delaySeconds: 1,
        timeoutSeconds: 1,
        maxRetries: 1,
        maxRetriesDown: 1,
      },
      signal,
    );
    const vip = await fipFor('fip-lb', lb.vipPortId);
    await until(
      'members ONLINE',
      async () => {
        const members = await provider.loadBalancers.listMembers({ poolId: pool.id }, signal);
        return members.every((m) => m.operatingStatus === 'ONLINE');
      },
      { timeoutMs: 20_000 },
    );
    const seen = new Set<string>();
    await until(
      'both members answer through the VIP',
      async () => {
        seen.add((await answer(vip, 80)).split(' ')[0] ?? '');
        return seen.has('a') && seen.has('b');
      },
      { timeoutMs: 20_000 },
    );
    const crashed = await provider.crashAmphora(lb.id, 'active');
    await until(
      'traffic through the standby',
      async () => /^(a|b) /.test(await answer(vip, 80, 1000)),
      { timeoutMs: 20_000 },
    );
    const amphorae = provider.loadBalancers.amphorae;
    const entry = await provider.ctx.repos.loadBalancers.require(lb.id);
    const survivor = entry.local.amphorae.find((a) => a.id !== crashed);
    // keepalived runs its notify script after taking the VIP, so the file may lag the traffic.
    await until(
      'the survivor to report MASTER',
      () => amphorae.vrrpState(survivor!.id) === 'MASTER',
    );
    // The next change restarts the crashed amphora; with nopreempt it rejoins as BACKUP.
    await provider.loadBalancers.updatePool(
      { id: pool.id, lbAlgorithm: 'LEAST_CONNECTIONS' },
      signal,
    );
    assert.equal(
      (await provider.loadBalancers.get({ id: lb.id }, signal)).provisioningStatus,
      'ACTIVE',
    );
    await until(
      'the crashed amphora back as BACKUP',
      () => amphorae.vrrpState(crashed) === 'BACKUP',
      { timeoutMs: 20_000 },
    );
    assert.equal(amphorae.vrrpState(survivor!.id), 'MASTER');
  });

  test('a stopped member goes ERROR and the load balancer DEGRADED; traffic avoids it', async () => {
    const b = servers.b!;
    await provider.servers.stop({ id: b.id }, signal);
    assert.equal((await provider.servers.get({ id: b.id }, signal)).status, 'SHUTOFF');
    const [pool] = await provider.loadBalancers.listPools({ loadBalancerId: lb.id }, signal);
    await until(
      'member b ERROR',
      async () => {
        const members = await provider.loadBalancers.listMembers({ poolId: pool!.id }, signal);
        return members.find((m) => m.address === b.ports[0]!.fixedIp)?.operatingStatus === 'ERROR';
      },
      { timeoutMs: 20_000 },
    );
    assert.equal(
      (await provider.loadBalancers.get({ id: lb.id }, signal)).operatingStatus,
      'DEGRADED',
    );
    const vip = (await provider.floatingIps.list({ portId: lb.vipPortId }, signal))[0]!.address;
    for (let i = 0; i < 3; i++) assert.match(await answer(vip, 80), /^a /);
    await provider.servers.start({ id: b.id }, signal);
  });

  test('a fresh provider delivers load balancer records its predecessor never applied', async () => {
    // As if `berth server` died between writing a member's record and delivering the config:
    // the amphorae run a haproxy.cfg without the members the records hold.
    const entry = await provider.ctx.repos.loadBalancers.require(lb.id);
    const cfgOf = (id: string) =>
      fs.readFileSync(path.join(env.dataDir, 'amphorae', id, 'root', 'haproxy.cfg'), 'utf8');
    const hasMembers = (id: string) => /^\s+server /m.test(cfgOf(id));
    for (const amp of entry.local.amphorae) {
      const dir = path.join(env.dataDir, 'amphorae', amp.id);
      const userData = JSON.parse(fs.readFileSync(path.join(dir, 'user-data.json'), 'utf8'));
      for (const file of userData.files)
        if (file.path === 'haproxy.cfg')
          file.content = file.content.replace(/^\s+server .*\n/gm, '');
      assert.ok(await provider.ctx.agents.reload(dir, userData));
      await until(`stale config on ${amp.id}`, () => !hasMembers(amp.id));
    }
    provider = await open();
    for (const amp of entry.local.amphorae)
      await until(`members back on ${amp.id}`, () => hasMembers(amp.id));
  });

  test('a fresh provider instance re-adopts running servers; crash → ERROR, reboot → ACTIVE', async () => {
    provider = await open();
    const a = servers.a!;
    assert.equal((await provider.servers.get({ id: a.id }, signal)).status, 'ACTIVE');
    await provider.crashServer(a.id);
    const crashed = await provider.servers.get({ id: a.id }, signal);
    assert.equal(crashed.status, 'ERROR');
    assert.match(crashed.fault?.message ?? '', /died/);
    await assert.rejects(provider.servers.start({ id: a.id }, signal), {
      code: 'BERTH_ERR_INVALID_STATE',
    });
    assert.equal((await provider.servers.reboot({ id: a.id }, signal)).status, 'ACTIVE');
    const fip = (await provider.floatingIps.list({ portId: a.ports[0]!.id }, signal))[0]!.address;
    await until('probe on a after reboot', async () => (await answer(fip, 9000)).startsWith('a '));
  });

  test('reconcileHost rebuilds a router the host lost', async () => {
    const fip = (await provider.floatingIps.list({ portId: servers.a!.ports[0]!.id }, signal))[0]!
      .address;
    await provider.ctx.topology.removeRouter(routerId);
    assert.match(await answer(fip, 9000, 1000), /^(TIMEOUT|ERROR)/);
    await provider.reconcileHost(signal);
    await until('probe on a through the rebuilt router', async () =>
      (await answer(fip, 9000)).startsWith('a '),
    );
  });
});
