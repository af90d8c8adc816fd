/**
 * The local cloud's data plane for real: namespaces, bridges, veths, nftables, the agent inside
 * server namespaces and HAProxy in an amphora. One topology per file (few processes on a small
 * host), torn down in `after` even when a test fails, then checked for leaks.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import { AgentController } from '../agent/agent-control.js';
import type { ServiceSpec } from '../agent/user-data.js';
import { checkLeaks } from '../leak-check.js';
import { linkName } from '../names.js';
import { namedNetnsId, netnsOf } from '../proc/proc.js';
import { renderHaproxyConfig } from '../render/haproxy-cfg.js';
import { readHaproxyServers } from '../lb/haproxy-stats.js';
import { e2eSkip, createE2eEnv, type E2eEnv } from '../testing/e2e-env.js';
import { until } from '@berth/test-kit';
import { topologyConfig } from './config.js';
import { Topology } from './topology.js';

const NET = 'net-1';
const SUBNET = {
  subnetId: 'subnet-1',
  networkId: NET,
  cidr: '10.77.1.0/24',
  gatewayIp: '10.77.1.1',
};
const ROUTER = 'router-1';
const ips = { a: '10.77.1.11', b: '10.77.1.12', lb: '10.77.1.20', vip: '10.77.1.100' };

describe('local topology end to end', { skip: e2eSkip, concurrency: false }, () => {
  let env: E2eEnv;
  let topo: Topology;
  const agents = new AgentController({ stopTimeoutMs: 5000 });
  const dirOf = (server: string) => path.join(env.dataDir, 'servers', server);
  const fipA = () => env.ext(10);
  const fipLb = () => env.ext(11);

  const startServer = async (
    id: string,
    ip: string,
    services: ServiceSpec[],
    extraIps?: string[],
  ) => {
    await topo.ensureServerPort({
      serverId: id,
      networkId: NET,
      ip,
      cidr: SUBNET.cidr,
      gatewayIp: SUBNET.gatewayIp,
      ...(extraIps ? { extraIps } : {}),
    });
    return agents.start({
      dir: dirOf(id),
      netns: topo.names.server(id),
      config: { serverId: id, hostname: id, allowedPathPrefixes: [] },
      userData: { services },
    });
  };
  const probe = (name: string, ports: number[]): ServiceSpec => {
    const [command, ...args] = env.listenArgv(name, ports);
    return {
      name: `probe-${ports.join('-')}`,
      command: command as string,
      args,
      restart: 'always',
    };
  };

  before(async () => {
    env = await createE2eEnv();
    topo = new Topology(
      env.runner,
      topologyConfig({ prefix: env.prefix, externalCidr: env.externalCidr }),
    );
    await topo.ensureExternal();
    await topo.ensureTenantNetwork(NET);
    await topo.ensureRouter({
      routerId: ROUTER,
      externalIp: env.ext(2),
      legs: [SUBNET],
      floatingIps: [
        { floatingIp: fipA(), fixedIp: ips.a },
        { floatingIp: fipLb(), fixedIp: ips.vip },
      ],
    });
    await startServer('srv-a', ips.a, [probe('a', [8080, 8081, 9000])]);
    await startServer('srv-b', ips.b, [probe('b', [8080]), probe('b', [9000])]);
  });

  after(async () => {
    for (const id of ['srv-a', 'srv-b', 'lb-1']) {
      await agents.stop(dirOf(id)).catch(() => undefined);
      await topo.removeServer(id).catch(() => undefined);
    }
    await topo.removeRouter(ROUTER).catch(() => undefined);
    await topo.removeTenantNetwork(NET).catch(() => undefined);
    await topo.removeFabricIfEmpty().catch(() => undefined);
    await env.runner.run('ip', ['link', 'del', `${env.prefix}dum0`], { check: false });
    await env.runner.run('ip', ['netns', 'del', `${env.prefix}sink`], { check: false });
    await topo.removeExternal().catch(() => undefined);
    fs.rmSync(env.dataDir, { recursive: true, force: true });
    const leaks = await checkLeaks({
      runner: env.runner,
      prefix: env.prefix,
      dataDir: env.dataDir,
    });
    assert.deepEqual(leaks, {
      namespaces: [],
      links: [],
      nftTables: [],
      processes: [],
      mounts: [],
      cgroups: [],
      loopDevices: [],
      files: [],
    });
  });

  test('agents run inside their server namespaces', () => {
    const record = agents.find(dirOf('srv-a'));
    assert.ok(record !== undefined);
    assert.equal(netnsOf(record.pid), namedNetnsId(topo.names.server('srv-a')));
  });

  test('two servers on one tenant network reach each other', async () => {
    assert.equal(await waitForAnswer(env, topo.names.server('srv-a'), ips.b, 8080), `b ${ips.a}`);
    assert.equal(await env.connect(topo.names.server('srv-b'), ips.a, 8080), `a ${ips.b}`);
  });

  test('egress is SNATed: to the router address, or to the server floating IP', async () => {
    const server = net.createServer((s) => s.end(`host ${s.remoteAddress}\n`));
    await new Promise<void>((resolve) => server.listen(0, env.ext(1), resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      assert.equal(
        await env.connect(topo.names.server('srv-b'), env.ext(1), port),
        `host ${env.ext(2)}`,
      );
      assert.equal(
        await env.connect(topo.names.server('srv-a'), env.ext(1), port),
        `host ${fipA()}`,
      );
    } finally {
      server.close();
    }
  });

  test('the host reaches a server through its floating IP, which sees the host address', async () => {
    assert.equal(await env.connect(undefined, fipA(), 8080), `a ${env.ext(1)}`);
  });

  test('a server reaches a neighbour through the neighbour floating IP (hairpin NAT)', async () => {
    assert.equal(
      await env.connect(topo.names.server('srv-b'), fipA(), 8080),
      `a ${SUBNET.gatewayIp}`,
    );
  });

  test('security groups: an allowed flow passes, a blocked one is dropped', async () => {
    await topo.applyServerFirewall('srv-a', [
      { id: 'egress', direction: 'egress', ethertype: 'IPv4' },
      {
        id: 'web',
        direction: 'ingress',
        ethertype: 'IPv4',
        protocol: 'tcp',
        portRangeMin: 8080,
        portRangeMax: 8080,
      },
      {
        id: 'lb',
        direction: 'ingress',
        ethertype: 'IPv4',
        protocol: 'tcp',
        portRangeMin: 9000,
        remoteGroupAddresses: [ips.lb],
      },
    ]);
    assert.equal(await env.connect(topo.names.server('srv-b'), ips.a, 8080), `a ${ips.b}`);
    assert.equal(await env.connect(topo.names.server('srv-b'), ips.a, 8081, 1000), 'TIMEOUT');
    assert.equal(await env.connect(undefined, fipA(), 8081, 1000), 'TIMEOUT');
    assert.equal(
      await env.connect(topo.names.server('srv-b'), ips.a, 9000, 1000),
      'TIMEOUT',
      'b is not in the remote group',
    );
    // Replies to the server's own connections still come back (conntrack).
    assert.equal(await env.connect(topo.names.server('srv-a'), ips.b, 8080), `b ${ips.a}`);
    await topo.applyServerFirewall('srv-a', [
      {
        id: 'egress-only-web',
        direction: 'egress',
        ethertype: 'IPv4',
        protocol: 'tcp',
        portRangeMin: 9000,
      },
    ]);
    assert.equal(
      await env.connect(topo.names.server('srv-a'), ips.b, 8080, 1000),
      'TIMEOUT',
      'egress not allowed',
    );
    await topo.applyServerFirewall('srv-a', [
      { id: 'egress', direction: 'egress', ethertype: 'IPv4' },
      { id: 'all-in', direction: 'ingress', ethertype: 'IPv4' },
    ]);
  });

  test('HAProxy in an amphora balances over two members and drops a dead one', async () => {
    const lbDir = dirOf('lb-1');
    const cfg = renderHaproxyConfig({
      loadBalancerId: 'lb-1',
      vip: ips.vip,
      statsSocketPath: path.join(lbDir, 'root', 'stats.sock'),
      listeners: [{ id: 'l1', protocol: 'TCP', port: 80, defaultPoolId: 'p1' }],
      pools: [
        {
          id: 'p1',
          protocol: 'TCP',
          algorithm: 'ROUND_ROBIN',
          healthMonitor: {
            type: 'TCP',
            delayMs: 300,
            timeoutMs: 300,
            maxRetries: 1,
            maxRetriesDown: 1,
          },
          members: [
            { id: 'a', address: ips.a, port: 9000 },
            { id: 'b', address: ips.b, port: 9000 },
          ],
        },
      ],
    });
    await topo.ensureServerPort({
      serverId: 'lb-1',
      networkId: NET,
      ip: ips.lb,
      cidr: SUBNET.cidr,
      gatewayIp: SUBNET.gatewayIp,
      extraIps: [ips.vip],
    });
    await agents.start({
      dir: lbDir,
      netns: topo.names.server('lb-1'),
      config: { serverId: 'lb-1', hostname: 'amphora-1', allowedPathPrefixes: [] },
      userData: {
        files: [{ path: 'haproxy.cfg', content: cfg }],
        services: [
          {
            name: 'haproxy',
            command: 'haproxy',
            args: ['-W', '-db', '-f', 'haproxy.cfg'],
            reloadSignal: 'SIGUSR2',
          },
        ],
      },
    });
    const socket = path.join(lbDir, 'root', 'stats.sock');
    await until('both members UP', async () => {
      const servers = await readHaproxyServers(socket).catch(() => []);
      return servers.filter((s) => s.status === 'UP').length === 2;
    }).catch((err: Error) => {
      const log = fs.readFileSync(path.join(lbDir, 'logs', 'haproxy.log'), 'utf8');
      throw new Error(`${err.message}; haproxy log:\n${log}`);
    });
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push((await env.connect(undefined, fipLb(), 80)).split(' ')[0]);
    assert.deepEqual([...answers].sort(), ['a', 'a', 'b', 'b'], `round robin: ${answers.join()}`);
    // Member b's service goes away: the agent stops it on reload.
    await agents.reload(dirOf('srv-b'), { services: [probe('b', [8080])] });
    await until('member b DOWN', async () => {
      const servers = await readHaproxyServers(socket).catch(() => []);
      return servers.find((s) => s.name === 'b')?.status.startsWith('DOWN');
    });
    for (let i = 0; i < 4; i++)
      assert.equal((await env.connect(undefined, fipLb(), 80)).split(' ')[0], 'a');
  });

  test('the guard drops external-CIDR traffic that would leave by another interface', async () => {
    // A stray interface with a more specific route into the external CIDR; its far end sits in
    // a throwaway namespace, so nothing could leave the host even without the guard.
    const stray = `${env.prefix}dum0`;
    const sink = `${env.prefix}sink`;
    await env.runner.run('ip', ['netns', 'add', sink]);
    await env.runner.run('ip', [
      'link',
      'add',
      stray,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      sink,
    ]);
    await env.runner.run('ip', ['link', 'set', stray, 'up']);
    await env.runner.run('ip', ['route', 'add', `${env.ext(128)}/25`, 'dev', stray]);
    const counter = async () => {
      const out = await env.runner.run('nft', [
        '-j',
        'list',
        'chain',
        'inet',
        `${env.prefix}guard`,
        'output',
      ]);
      return JSON.stringify(JSON.parse(out.stdout)).match(/"packets":\s*(\d+)/)?.[1];
    };
    const before = Number(await counter());
    assert.equal(await env.connect(undefined, env.ext(130), 80, 500), 'TIMEOUT');
    assert.ok(Number(await counter()) > before, 'the guard counted the dropped packets');
    await env.runner.run('ip', ['link', 'del', stray]);
    await env.runner.run('ip', ['netns', 'del', sink]);
  });

  test('host-side names carry the test prefix', async () => {
    const out = await env.runner.run('ip', [
      '-j',
      'link',
      'show',
      'master',
      topo.config.externalBridge,
    ]);
    const ports = (JSON.parse(out.stdout) as Array<{ ifname: string }>).map((l) => l.ifname);
    assert.deepEqual(ports, [linkName(env.prefix, 'g', ROUTER)]);
  });
});

/** The first connection after wiring may race ARP/bridge learning; retry briefly. */
async function waitForAnswer(env: E2eEnv, ns: string, host: string, port: number): Promise<string> {
  return until(`${host}:${port} from ${ns}`, async () => {
    const answer = await env.connect(ns, host, port, 1000);
    return /^(TIMEOUT|ERROR)/.test(answer) ? undefined : answer;
  });
}
