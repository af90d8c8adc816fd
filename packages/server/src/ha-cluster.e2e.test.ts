/**
 * End to end, with real traffic: a 3-master cluster on the local provider. A client loop asks
 * `/readyz` through the API load balancer's floating IP while faults are injected:
 * - SIGKILL of the active amphora (NIC dark too): the VIP moves to the standby, requests succeed
 *   again within 3 s and none fail after that; the dead amphora is restarted as BACKUP and the
 *   VIP does not move back.
 * - SIGKILL of one master's processes: the API keeps answering; Berth replaces the master (the
 *   repair delay is shortened to 10 s here) and etcd is back to 3 healthy members.
 * - `berth cluster renew-certificates`: the masters are rolled one at a time with leaf
 *   certificates re-issued from the same CAs while the API keeps answering; afterwards every
 *   master's API server presents its new certificate, `GET …/certificates` shows later
 *   `notAfter` dates (CAs unchanged), etcd has 3 healthy members and kubectl works.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  assertLeavesRenewed,
  clusterCertificates,
  crashServerProcesses,
  kubectl,
  skip,
  startBerth,
  tearDownBerth,
  type Berth,
  type E2eEnv,
  type Json,
} from './testing/e2e.js';
import {
  amphoraeOf,
  crashActiveAmphora,
  etcdHealth,
  presentedApiserverCertificate,
  outcomeOf,
  startReadyzLoop,
  type ProbeLoop,
} from './testing/ha.js';
import { until } from '@berth/test-kit';

interface MasterView {
  id: string;
  name: string;
  address: string;
  zone: string;
  hypervisor: string;
  status: string;
}

describe('HA cluster: 3 masters behind an ACTIVE_STANDBY API load balancer', { skip }, () => {
  let env: E2eEnv;
  let b: Berth;
  let kubeconfig: string;
  let etcdctl: string;

  before(async () => {
    process.env.BERTH_MASTER_REPLACE_AFTER_SECONDS = '10';
    ({ env, b } = await startBerth());
    kubeconfig = path.join(env.dataDir, 'ha.kubeconfig');
    etcdctl = (await b.berth('components', 'path', 'etcdctl')).trim();
  });

  after(() => tearDownBerth(env, b));

  async function masters(): Promise<MasterView[]> {
    const list = (await b.api('GET', '/v1/projects/default/servers?cluster=ha')).items as Json[];
    return list
      .filter((s) => s.attributes.tags['berth.dev/role'] === 'master')
      .map((s) => ({
        id: s.id,
        name: s.name,
        address: s.attributes.ports[0].fixedIp,
        zone: s.attributes.zone,
        hypervisor: s.attributes.hypervisor,
        status: s.status,
      }));
  }

  /** Waits until the last second of probes all succeeded: the fault meets a healthy API. */
  async function steady(loop: ProbeLoop): Promise<void> {
    await until(
      'a second of successful probes',
      async () => {
        const last = loop.probes.slice(-20);
        return last.length === 20 && last.every((p) => p.ok) ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }

  async function healthyMembers(via: MasterView): Promise<number> {
    const health = await etcdHealth(b.providerData, env.prefix, via, etcdctl);
    return health.filter((h) => h.health).length;
  }

  test('create: masters in 3 zones on distinct hypervisors, etcd with 3 healthy members', async () => {
    await b.berth(
      'cluster',
      'create',
      'ha',
      '--masters',
      '3',
      '--zones',
      'az1,az2,az3',
      '--nodegroup',
      'default:count=1,runtime=simulated',
      '--wait',
    );
    await b.berth('cluster', 'kubeconfig', 'ha', '--output-file', kubeconfig);
    const list = await masters();
    assert.equal(list.length, 3);
    assert.deepEqual(list.map((m) => m.zone).sort(), ['az1', 'az2', 'az3']);
    assert.equal(new Set(list.map((m) => m.hypervisor)).size, 3, JSON.stringify(list));
    assert.equal(await healthyMembers(list[0]!), 3);
    const amphorae = amphoraeOf(b.providerData, 'ha-api');
    assert.deepEqual(amphorae.map((a) => a.vrrp).sort(), ['BACKUP', 'MASTER']);
  });

  test('SIGKILL of the active amphora: the VIP moves and the API answers again within 3 s', async (t) => {
    // Probes give up after 750 ms, so the recovery time is the address move plus at most that.
    const loop = startReadyzLoop(kubeconfig, 50, 750);
    t.after(() => loop.stop()); // also when an assertion fails first
    await steady(loop);
    const faultAt = Date.now() - loop.started;
    const killed = await crashActiveAmphora(b.providerData, env.prefix, 'ha-api');
    await new Promise((r) => setTimeout(r, 10_000));
    const outcome = outcomeOf(await loop.stop(), faultAt);
    t.diagnostic(`amphora failover: ${JSON.stringify(outcome)}`);
    assert.ok(outcome.recoveredAfterMs <= 3_000, `recovered after ${outcome.recoveredAfterMs} ms`);
    assert.equal(outcome.failedAfterRecovery, 0, outcome.samples.join('; '));
    const holder = amphoraeOf(b.providerData, 'ha-api').find((a) => a.vrrp === 'MASTER');
    assert.ok(holder !== undefined && holder.id !== killed, 'the standby holds the VIP');

    // The health manager restarts the dead amphora as BACKUP; the VIP stays where it is.
    await until(
      'the pair restored',
      async () => {
        const now = amphoraeOf(b.providerData, 'ha-api');
        const dead = now.find((a) => a.id === killed);
        const master = now.find((a) => a.vrrp === 'MASTER');
        return dead?.vrrp === 'BACKUP' && master?.id === holder.id ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  });

  test('SIGKILL of a master: the API keeps answering; Berth replaces it; etcd has 3 members', async (t) => {
    const before = await masters();
    const victim = before.find((m) => m.name.endsWith('-1'))!;
    const survivor = before.find((m) => m.id !== victim.id)!;
    const loop = startReadyzLoop(kubeconfig, 50, 10_000);
    t.after(() => loop.stop()); // also when an assertion fails first
    await steady(loop);
    const faultAt = Date.now() - loop.started;
    assert.ok(crashServerProcesses(path.join(b.providerData, 'servers', victim.id)) > 0);

    await until(
      'the master replaced, etcd back to 3 healthy members',
      async () => {
        const now = await masters();
        const slot = now.find((m) => m.name === victim.name);
        if (slot === undefined || slot.id === victim.id || slot.status !== 'ACTIVE')
          return undefined;
        return (await healthyMembers(survivor)) === 3 ? true : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 500 },
    );
    await until(
      'control plane ready',
      async () => {
        const c = await b.api('GET', '/v1/projects/default/clusters/ha');
        const cond = (c.status.conditions as Json[]).find((x) => x.type === 'ControlPlaneReady');
        return cond?.status === 'True' ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const probes = await loop.stop();
    const outcome = outcomeOf(probes, faultAt);
    const total = probes.filter((p) => p.at >= faultAt).length;
    t.diagnostic(`master loss: ${total} probes, ${JSON.stringify(outcome)}`);
    // A TCP load balancer cannot save a request already inside the apiserver that dies: at
    // most the one in flight at the kill fails. Requests may be slow while etcd elects a new
    // leader (the probe waits 10 s, as a client would); they must not fail. Every later one — while the master is down,
    // replaced, and its successor starts (the /readyz monitor keeps it out until it is ready) —
    // must succeed.
    const late = probes.filter((p) => p.at > faultAt + 1_000 && !p.ok);
    assert.ok(outcome.failed <= 1, `failed probes: ${outcome.samples.join('; ')}`);
    assert.equal(late.length, 0, late.map((p) => p.detail.slice(0, 120)).join('; '));

    const events = (await b.api('GET', '/v1/projects/default/clusters/ha/events')).items as Json[];
    assert.ok(
      events.some((e) => e.reason === 'MasterReplaced' && String(e.message).includes(victim.name)),
      'a MasterReplaced event names the master',
    );
    const after = await masters();
    assert.equal(after.length, 3);
    assert.equal(after.find((m) => m.name === victim.name)?.address, victim.address);
  });

  test('renew-certificates: masters rolled one at a time, new certificates served, API up', async (t) => {
    const before = await clusterCertificates(b, 'ha');
    const mastersBefore = await masters();
    const loop = startReadyzLoop(kubeconfig, 100, 10_000, '/api/v1/namespaces/default');
    t.after(() => loop.stop()); // also when an assertion fails first
    await steady(loop);
    const startedAt = Date.now() - loop.started;
    // Issued a second later at least, so every new notAfter is later than the old one.
    await new Promise((r) => setTimeout(r, 1_100));
    await b.berth('cluster', 'renew-certificates', 'ha', '--wait', '--timeout', '15m');
    const probes = await loop.stop();
    const outcome = outcomeOf(probes, startedAt);
    const total = probes.filter((p) => p.at >= startedAt).length;
    t.diagnostic(`renewal roll: ${total} probes, ${JSON.stringify(outcome)}`);
    // As for a lost master, at most the request inside an apiserver as it stops may fail: one
    // per master rolled.
    assert.ok(outcome.failed <= 3, `failed probes: ${outcome.samples.join('; ')}`);

    const after = await clusterCertificates(b, 'ha');
    assertLeavesRenewed(before, after);
    const mastersAfter = await masters();
    assert.equal(mastersAfter.length, 3);
    for (const master of mastersAfter) {
      const previous = mastersBefore.find((m) => m.name === master.name)!;
      assert.notEqual(master.id, previous.id, `${master.name} was replaced`);
      const presented = new X509Certificate(
        await presentedApiserverCertificate(env.prefix, master),
      );
      const listed = after.find((c) => c.owner === master.name && c.name === 'apiserver')!;
      assert.equal(new Date(presented.validTo).toISOString(), listed.notAfter, master.name);
      const stored = fs.readFileSync(
        path.join(b.providerData, 'servers', master.id, 'root/etc/kubernetes/pki/apiserver.crt'),
        'utf8',
      );
      assert.equal(presented.fingerprint256, new X509Certificate(stored).fingerprint256);
    }
    assert.equal(await healthyMembers(mastersAfter[0]!), 3);
    const events = (await b.api('GET', '/v1/projects/default/clusters/ha/events')).items as Json[];
    const replacing = events.filter((e) => e.reason === 'MasterReplacing').map((e) => e.time);
    assert.ok(replacing.length >= 3, 'one MasterReplacing event per master');
    // A fresh admin kubeconfig (its client certificate renewed too) still works.
    const renewed = path.join(env.dataDir, 'ha-renewed.kubeconfig');
    await b.berth('cluster', 'kubeconfig', 'ha', '--output-file', renewed);
    assert.match(await kubectl(renewed, 'get', 'nodes', '--no-headers'), / Ready /);
    assert.match(await kubectl(kubeconfig, 'get', '--raw', '/readyz'), /ok/);
  });
});
