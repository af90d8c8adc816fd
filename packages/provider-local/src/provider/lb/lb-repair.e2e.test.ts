/**
 * Amphora replacement with the health manager running: the active amphora is killed, the VIP
 * moves to the standby, the dead amphora comes back as BACKUP without taking the VIP back, and
 * killing the new active moves the VIP back — the pair really is restored. A graceful stop
 * hands over the same way. Requests through the floating IP succeed after every switch. An
 * amphora that dies while the last change failed to apply comes back with what it last ran.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { TEST_TLS_CERTIFICATE_PEM } from '@berth/provider-api/conformance';
import { e2eSkip } from '../../testing/e2e-env.js';
import { httpGet, whoAnswers } from '../../testing/http-client.js';
import { createLbTestbed, type LbTestbed } from '../../testing/lb-testbed.js';
import { until } from '@berth/test-kit';
import type { AmphoraLocal } from '../records.js';
import type { AmphoraRepair } from './health-manager.js';

describe('amphora replacement end to end', { skip: e2eSkip, concurrency: false }, () => {
  let bed: LbTestbed;
  let amphorae: AmphoraLocal[];
  const repairs: AmphoraRepair[] = [];

  before(async () => {
    bed = await createLbTestbed({
      backends: 2,
      healthManagerIntervalMs: 500,
      onRepair: (r) => repairs.push(r),
    });
    await bed.addListener({ name: 'http', protocol: 'HTTP', port: 80, poolProtocol: 'HTTP' });
    amphorae = (await bed.provider.ctx.repos.loadBalancers.require(bed.lb.id)).local.amphorae;
    await until('the VIP to answer', () => whoAnswers(bed.fip, 80), { timeoutMs: 20_000 });
  });

  after(async () => {
    const { leaks, errors } = await bed.destroy();
    assert.deepEqual(errors, []);
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

  const runtime = () => bed.provider.loadBalancers.amphorae;
  const vrrp = (a: AmphoraLocal) => runtime().vrrpState(a.id);
  /** The amphorae whose eth0 carries the VIP, read from their namespaces. */
  const vipHolders = async () => {
    const holders: string[] = [];
    for (const a of amphorae) {
      const ns = bed.provider.ctx.topology.names.server(a.id);
      const out = await bed.env.runner.run('ip', ['-n', ns, '-j', 'addr', 'show', 'dev', 'eth0'], {
        check: false,
      });
      if (out.stdout.includes(`"${bed.lb.vipAddress}"`)) holders.push(a.id);
    }
    return holders;
  };
  /**
   * The one MASTER, once the pair has settled: only it reports MASTER and only it carries the
   * VIP (right after a start or a handover both may claim it for an advert interval).
   */
  const settledMaster = async () => {
    const claiming = amphorae.filter((a) => runtime().isRunning(a) && vrrp(a) === 'MASTER');
    if (claiming.length !== 1) return undefined;
    const holders = await vipHolders();
    return holders.length === 1 && holders[0] === claiming[0]!.id ? claiming[0] : undefined;
  };
  /** Twenty requests in a row through the floating IP, every one answered. */
  const steadyTraffic = async () => {
    await until('traffic through the VIP', () => whoAnswers(bed.fip, 80), { timeoutMs: 10_000 });
    for (let i = 0; i < 20; i++) assert.equal((await httpGet(bed.fip, 80)).status, 200);
  };

  /** After `fault` took `from` out, the VIP is on `to`, and `from` is back as BACKUP. */
  async function expectHandover(from: AmphoraLocal, to: AmphoraLocal) {
    await until(`${to.id} MASTER`, () => vrrp(to) === 'MASTER', { timeoutMs: 15_000 });
    await steadyTraffic();
    await until(
      `${from.id} restarted as BACKUP`,
      () => runtime().isRunning(from) && vrrp(from) === 'BACKUP',
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    assert.equal(vrrp(to), 'MASTER', 'the VIP did not move back');
    assert.deepEqual(await vipHolders(), [to.id]);
    await steadyTraffic();
    assert.ok(repairs.some((r) => r.amphoraIds.includes(from.id) && r.error === undefined));
  }

  test('a killed active amphora is replaced as BACKUP; killing the new active moves the VIP back', async () => {
    const first = await until('one settled MASTER', settledMaster, { timeoutMs: 15_000 });
    const second = amphorae.find((a) => a.id !== first.id)!;
    assert.equal(await bed.provider.crashAmphora(bed.lb.id, 'active'), first.id);
    await expectHandover(first, second);
    assert.equal(await bed.provider.crashAmphora(bed.lb.id, 'active'), second.id);
    await expectHandover(second, first);
    const lb = await bed.provider.loadBalancers.get({ id: bed.lb.id }, bed.signal);
    assert.equal(lb.provisioningStatus, 'ACTIVE');
    assert.equal(lb.operatingStatus, 'ONLINE');
  });

  test('a gracefully stopped active amphora hands over at once and is replaced as BACKUP', async () => {
    const active = await until('one settled MASTER', settledMaster, { timeoutMs: 15_000 });
    const peer = amphorae.find((a) => a.id !== active.id)!;
    assert.equal(await bed.provider.stopAmphora(bed.lb.id, 'active'), active.id);
    await expectHandover(active, peer);
  });

  test('an amphora dying while the last change failed to apply comes back with what it ran', async () => {
    const api = bed.provider.loadBalancers;
    // A certificate with someone else's key: accepted as PEM, refused by `haproxy -c`.
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const tls = {
      certificatePem: TEST_TLS_CERTIFICATE_PEM,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    const bad = {
      name: 'bad',
      tags: { 'berth.dev/cluster': 'lb-testbed' },
      loadBalancerId: bed.lb.id,
    };
    await assert.rejects(
      api.createListener(
        { ...bad, protocol: 'TERMINATED_HTTPS', protocolPort: 443, tls },
        bed.signal,
      ),
      { code: 'BERTH_ERR_PROVIDER' },
    );
    assert.equal((await api.get({ id: bed.lb.id }, bed.signal)).provisioningStatus, 'ERROR');
    const standby = amphorae.find((a) => vrrp(a) === 'BACKUP')!;
    repairs.length = 0;
    await bed.provider.crashAmphora(bed.lb.id, amphorae.indexOf(standby));
    await until(
      'the standby restarted as BACKUP',
      () => runtime().isRunning(standby) && vrrp(standby) === 'BACKUP',
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    assert.deepEqual(repairs, [{ loadBalancerId: bed.lb.id, amphoraIds: [standby.id] }]);
    await steadyTraffic();
    const [listener] = await api
      .listListeners({ loadBalancerId: bed.lb.id, tags: bad.tags }, bed.signal)
      .then((all) => all.filter((l) => l.name === 'bad'));
    await api.deleteListener({ id: listener!.id }, bed.signal);
    assert.equal((await api.get({ id: bed.lb.id }, bed.signal)).provisioningStatus, 'ACTIVE');
  });
});
