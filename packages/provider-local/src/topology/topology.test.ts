import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRunner } from '@berth/exec';
import { linkName } from '../names.js';
import { topologyConfig } from './config.js';
import { Topology } from './topology.js';

const config = topologyConfig({ prefix: 'tb-', externalCidr: '198.18.7.0/24' });

/** A host where no namespace and no link exists yet. */
function emptyHost(): FakeRunner {
  return new FakeRunner()
    .on('ip -j netns list', { stdout: '[]' })
    .on(
      (cmd, args) =>
        cmd === 'ip' && args.includes('link') && args.includes('show') && args.includes('dev'),
      {
        exitCode: 1,
      },
    );
}

test('defaults: berth- prefix, berth-ext0, 198.18.0.0/24 with the host at .1', () => {
  const defaults = new Topology(new FakeRunner(), topologyConfig());
  assert.equal(defaults.config.externalBridge, 'berth-ext0');
  assert.equal(defaults.config.externalCidr, '198.18.0.0/24');
  assert.equal(defaults.external.gatewayIp, '198.18.0.1');
  assert.throws(() => topologyConfig({ externalCidr: '198.18.0.1/24' }), {
    code: 'BERTH_ERR_VALIDATION',
  });
});

test('a router gets forwarding, a leg per subnet, its gateway leg and NAT', async () => {
  const runner = emptyHost();
  const topo = new Topology(runner, config);
  await topo.ensureRouter({
    routerId: 'r1',
    externalIp: '198.18.7.2',
    legs: [{ subnetId: 's1', networkId: 'n1', cidr: '10.0.0.0/24', gatewayIp: '10.0.0.1' }],
    floatingIps: [{ floatingIp: '198.18.7.9', fixedIp: '10.0.0.5' }],
  });
  const lines = runner.lines();
  const ns = topo.names.router('r1');
  const outer = linkName('tb-', 'g', 'r1');
  for (const expected of [
    `ip netns add ${ns}`,
    `ip netns exec ${ns} sysctl -q -w net.ipv4.ip_forward=1`,
    `ip link add ${outer} type veth peer name qg0 netns ${ns}`,
    `ip link set dev ${outer} master tb-ext0`,
    `ip -n ${ns} addr replace 198.18.7.2/24 dev qg0`,
    `ip -n ${ns} addr replace 198.18.7.9/32 dev qg0`,
    `ip -n ${ns} route replace default via 198.18.7.1 dev qg0`,
    `ip netns exec ${ns} nft -f -`,
    'nft -f -',
  ]) {
    assert.ok(lines.includes(expected), `missing: ${expected}\n${lines.join('\n')}`);
  }
  const nat =
    runner.calls.find((c) => c.args.includes(ns) && c.args.includes('nft'))?.options.input ?? '';
  assert.match(nat, /ip daddr 198\.18\.7\.9 dnat to 10\.0\.0\.5/);
  const guard = runner.calls.find((c) => c.command === 'nft')?.options.input ?? '';
  assert.match(guard, /ip daddr 198\.18\.7\.0\/24 oifname != "tb-ext0" counter drop/);
});

test('a server port: veth into the namespace, address, default route; extra addresses synced', async () => {
  const runner = emptyHost().on(
    (cmd, args) => cmd === 'ip' && args.includes('addr') && args.includes('show'),
    {
      stdout: '[{"addr_info":[{"family":"inet","local":"10.0.0.99","prefixlen":24}]}]',
    },
  );
  const topo = new Topology(runner, config);
  await topo.ensureServerPort({
    serverId: 'vm1',
    networkId: 'n1',
    ip: '10.0.0.5',
    cidr: '10.0.0.0/24',
    gatewayIp: '10.0.0.1',
    extraIps: ['10.0.0.100'],
  });
  const ns = topo.names.server('vm1');
  const lines = runner.lines();
  for (const expected of [
    `ip -n tb-fabric link add ${linkName('tb-', 'v', 'vm1')} type veth peer name eth0 netns ${ns}`,
    `ip -n tb-fabric link set dev ${linkName('tb-', 'v', 'vm1')} master ${topo.tenantBridge('n1')}`,
    `ip -n ${ns} addr del 10.0.0.99/24 dev eth0`,
    `ip -n ${ns} addr replace 10.0.0.5/24 dev eth0`,
    `ip -n ${ns} addr replace 10.0.0.100/24 dev eth0`,
    `ip -n ${ns} route replace default via 10.0.0.1 dev eth0`,
  ]) {
    assert.ok(lines.includes(expected), `missing: ${expected}\n${lines.join('\n')}`);
  }
  assert.ok(
    lines.indexOf(`ip -n ${ns} addr del 10.0.0.99/24 dev eth0`) <
      lines.indexOf(`ip -n ${ns} link set dev eth0 up`),
    'a stale address goes before the interface comes up',
  );
});

test('removing a server deletes its veths from inside the namespace, then the namespace', async () => {
  const topo = new Topology(new FakeRunner(), config);
  const ns = topo.names.server('vm1');
  const runner = new FakeRunner()
    .on('ip -j netns list', { stdout: JSON.stringify([{ name: ns }, { name: 'tb-fabric' }]) })
    .on(`ip -n ${ns} -j -d link show`, {
      stdout: '[{"ifname":"lo"},{"ifname":"eth0","linkinfo":{"info_kind":"veth"}}]',
    });
  await new Topology(runner, config).removeServer('vm1');
  const lines = runner.lines();
  assert.ok(lines.indexOf(`ip -n ${ns} link del dev eth0`) < lines.indexOf(`ip netns del ${ns}`));
  assert.ok(lines.includes(`ip -n tb-fabric link show dev ${linkName('tb-', 'v', 'vm1')}`));
});
