/**
 * End to end without a provider: three masters' etcd services, as rendered, on 127.0.0.1-3. One
 * master is then "recreated" — stopped, and started again from a new root with an empty disk, as
 * the controllers' rolling replacement does — and must rejoin the other two (its old member
 * replaced) with the cluster's data, instead of bootstrapping a cluster of its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthorities, issueMasterCertificates } from './cluster-certs.js';
import { renderMasterUserData } from './master-user-data.js';
import { EtcdGateway, type EtcdMember } from './node-agent/etcd-gateway.js';
import { e2eComponents } from './testing/e2e-components.js';
import { runUserData, type RunningServer } from './testing/user-data-runner.js';
import type { UserData } from '@berth/provider-api';
import { issueCertificate } from './pki.js';
import { freePort, until } from '@berth/test-kit';

test('a master recreated with an empty disk rejoins etcd with the cluster data', async (t) => {
  const components = await e2eComponents((line) => t.diagnostic(line));
  const dir = await mkdtemp(join(tmpdir(), 'berth-e2e-etcd-'));
  const running = new Map<string, RunningServer>();
  t.after(async () => {
    for (const s of running.values()) await s.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const cas = await createAuthorities();
  const masters = [1, 2, 3].map((i) => ({ name: `e2e-master-${i - 1}`, address: `127.0.0.${i}` }));
  const ports = {
    apiserver: 6443,
    etcdClient: await freePort(),
    etcdPeer: await freePort(),
    controllerManager: 10257,
    scheduler: 10259,
  };
  const etcdOnly = async (m: (typeof masters)[number]): Promise<UserData> => {
    const data = renderMasterUserData({
      clusterName: 'e2e',
      master: m,
      masters,
      network: { podsCidr: '10.100.0.0/16', servicesCidr: '10.254.0.0/16' },
      ports,
      binaries: components.master,
      authorities: cas,
      certs: await issueMasterCertificates(cas, {
        ...m,
        vipAddress: m.address,
        apiAddress: m.address,
        servicesCidr: '10.254.0.0/16',
      }),
    });
    const etcd = data.services.find((s) => s.name === 'etcd')!;
    // On one host only one member can also listen on 127.0.0.1 (masters each have their own).
    const command = etcd.command.map((a) =>
      a.startsWith('--listen-client-urls=')
        ? `--listen-client-urls=https://${m.address}:${ports.etcdClient}`
        : a,
    );
    return { files: data.files, services: [{ ...etcd, command }] };
  };
  const start = async (m: (typeof masters)[number], root: string) =>
    running.set(m.name, await runUserData(join(dir, root), await etcdOnly(m)));
  const client = await issueCertificate({ ca: cas.etcdCa, commonName: 'e2e', usage: 'client' });
  const gateway = (m: (typeof masters)[number]) =>
    new EtcdGateway(`https://${m.address}:${ports.etcdClient}`, {
      caPem: cas.etcdCa.certPem,
      ...client,
    });
  const allStarted = (list: EtcdMember[]) =>
    list.length === 3 && list.every((x) => (x.clientURLs ?? []).length > 0);

  try {
    for (const m of masters) await start(m, m.name);
    const before = await until(
      '3 members started',
      async () => {
        const list = await gateway(masters[1]!).members();
        return allStarted(list) ? list : undefined;
      },
      { timeoutMs: 60_000 },
    );
    await gateway(masters[1]!).put('berth/e2e', 'survives');

    const [m0] = masters;
    await running.get(m0!.name)!.stop();
    running.delete(m0!.name);
    await start(m0!, `${m0!.name}-recreated`);
    const id = (list: EtcdMember[]) => list.find((x) => x.name === m0!.name)?.ID;
    const after = await until(
      'the recreated member joined',
      async () => {
        const list = await gateway(masters[1]!).members();
        return allStarted(list) && id(list) !== id(before) ? list : undefined;
      },
      { timeoutMs: 60_000 },
    );
    assert.notEqual(id(after), id(before), 'the old member was replaced by a new one');
    assert.deepEqual(
      after.map((x) => x.name).sort(),
      masters.map((x) => x.name),
    );
    const value = await until('the data on the new member', () => gateway(m0!).get('berth/e2e'), {
      timeoutMs: 30_000,
    });
    assert.equal(value, 'survives');
    t.diagnostic(
      `new member: ${running
        .get(m0!.name)!
        .logTail('etcd', 200)
        .split('\n')
        .find((l) => l.startsWith('etcd-member:'))}`,
    );
  } catch (err) {
    for (const [name, s] of running) {
      const lines = s.logTail('etcd', 100_000).split('\n');
      const wrapper = lines.filter((l) => l.startsWith('etcd-member:'));
      const fatal = lines.filter((l) => /"level":"(fatal|error)"/.test(l)).slice(-5);
      t.diagnostic(`${name}:\n${[...wrapper, ...fatal].join('\n')}`);
    }
    throw err;
  }
});
