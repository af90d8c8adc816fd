/**
 * End to end: real etcd and kube-apiserver from the component cache (installed if missing),
 * on loopback, with a throwaway PKI from pki.ts, until `kubectl get --raw /readyz` says ok.
 * Everything started is stopped by PID and the temp dir removed, also when the test fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  cacheDirFromEnv,
  createComponentStore,
  createProcessRunner,
  defaultComponentsDir,
  describeEvent,
  mirrorUrlFromEnv,
} from '@berth/components';
import { apiserverArgs, etcdArgs } from './component-flags.js';
import {
  freePort,
  startProcess,
  StopWaiting,
  waitFor,
  type RunningProcess,
} from './e2e-support.js';
import { renderClientCertKubeconfig } from './kubeconfig.js';
import {
  createCertificateAuthority,
  createServiceAccountKeyPair,
  issueCertificate,
} from './pki.js';

const run = promisify(execFile);
const LOOPBACK = '127.0.0.1';
/** etcd is up in seconds; a cold kube-apiserver needs ~10-20 s here to finish its post-start hooks. */
const READY_TIMEOUT_MS = 120_000;

test('etcd and kube-apiserver from the cache serve /readyz over mutual TLS', async (t) => {
  await run('kubectl', ['version', '--client']).catch((err: unknown) => {
    throw new Error(
      `this test drives the API with kubectl, which is not usable here: ${String(err)}`,
    );
  });
  const store = createComponentStore({
    cacheDir: cacheDirFromEnv(process.env),
    componentsDir: defaultComponentsDir(),
    runner: createProcessRunner(),
    ...(mirrorUrlFromEnv(process.env)
      ? { mirrorUrl: mirrorUrlFromEnv(process.env) as string }
      : {}),
  });
  const version = store.versions.defaultRelease;
  await store.install(version, {
    only: ['etcd', 'kube-apiserver'],
    onProgress: (e) => {
      const line = describeEvent(e);
      if (line) t.diagnostic(line);
    },
  });
  const etcdBin = await store.path('etcd', version);
  const apiserverBin = await store.path('kube-apiserver', version);

  const dir = await mkdtemp(join(tmpdir(), 'berth-e2e-cp-'));
  const processes: RunningProcess[] = [];
  t.after(async () => {
    for (const p of processes.reverse()) {
      const started = Date.now();
      await p.stop();
      t.diagnostic(`stopped pid ${p.pid} in ${Date.now() - started} ms`);
    }
    await rm(dir, { recursive: true, force: true });
  });

  const pki = await writePki(dir);
  const [clientPort, peerPort, securePort] = [await freePort(), await freePort(), await freePort()];
  const etcd = startProcess(
    etcdBin,
    etcdArgs({
      name: 'e2e',
      dataDir: join(dir, 'etcd-data'),
      clientUrl: `https://${LOOPBACK}:${clientPort}`,
      peerUrl: `https://${LOOPBACK}:${peerPort}`,
      initialCluster: { e2e: `https://${LOOPBACK}:${peerPort}` },
      initialClusterState: 'new',
      pki: pki.etcd,
    }),
    join(dir, 'etcd.log'),
  );
  processes.push(etcd);
  const apiserver = startProcess(
    apiserverBin,
    apiserverArgs({
      advertiseAddress: LOOPBACK,
      bindAddress: LOOPBACK,
      securePort,
      etcdServers: [`https://${LOOPBACK}:${clientPort}`],
      serviceClusterIpRange: '10.254.0.0/16',
      serviceAccountIssuer: 'https://kubernetes.default.svc.cluster.local',
      authorizationModes: ['Node', 'RBAC'],
      pki: pki.apiserver,
    }),
    join(dir, 'kube-apiserver.log'),
  );
  processes.push(apiserver);

  const kubeconfig = join(dir, 'admin.kubeconfig');
  await writeFile(
    kubeconfig,
    renderClientCertKubeconfig({ ...pki.admin, server: `https://${LOOPBACK}:${securePort}` }),
    {
      mode: 0o600,
    },
  );
  const kubectl = (...args: string[]) =>
    run('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 10_000 });

  try {
    const ready = await waitFor('kube-apiserver /readyz', READY_TIMEOUT_MS, async () => {
      if (etcd.exited() || apiserver.exited())
        throw new StopWaiting('a control-plane process exited');
      const { stdout } = await kubectl('get', '--raw', '/readyz');
      return stdout.trim() === 'ok' ? stdout.trim() : undefined;
    });
    assert.equal(ready, 'ok');
    const info = JSON.parse((await kubectl('get', '--raw', '/version')).stdout) as {
      gitVersion: string;
    };
    assert.equal(
      info.gitVersion,
      store.resolve(version).kubernetesVersion,
      'the binary is version-stamped',
    );
    // A write that goes through etcd and RBAC as the system:masters admin.
    await kubectl('create', 'namespace', 'berth-e2e');
    const { stdout } = await kubectl(
      'get',
      'namespace',
      'berth-e2e',
      '-o',
      'jsonpath={.status.phase}',
    );
    assert.equal(stdout, 'Active');
  } catch (err) {
    t.diagnostic(`etcd log tail:\n${etcd.logTail()}`);
    t.diagnostic(`kube-apiserver log tail:\n${apiserver.logTail()}`);
    throw err;
  }
});

/** The PKI of a one-member stacked control plane on loopback, written as kubeadm names it. */
async function writePki(dir: string) {
  const p = (name: string) => join(dir, 'pki', name);
  await mkdir(join(dir, 'pki', 'etcd'), { recursive: true });
  const write = (name: string, text: string) => writeFile(p(name), text, { mode: 0o600 });
  const loopback = { ipAddresses: [LOOPBACK], dnsNames: ['localhost'] };

  const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
  const etcdCa = await createCertificateAuthority({ commonName: 'etcd-ca' });
  const etcdServer = await issueCertificate({
    ca: etcdCa,
    commonName: 'e2e',
    usage: 'peer',
    ...loopback,
  });
  const etcdPeer = await issueCertificate({
    ca: etcdCa,
    commonName: 'e2e',
    usage: 'peer',
    ...loopback,
  });
  const etcdClient = await issueCertificate({
    ca: etcdCa,
    commonName: 'kube-apiserver-etcd-client',
    usage: 'client',
  });
  const serving = await issueCertificate({
    ca,
    commonName: 'kube-apiserver',
    usage: 'server',
    ipAddresses: [LOOPBACK, '10.254.0.1'],
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
  });
  const admin = await issueCertificate({
    ca,
    commonName: 'kubernetes-admin',
    organizations: ['system:masters'],
    usage: 'client',
  });
  const sa = await createServiceAccountKeyPair();
  const files: Record<string, string> = {
    'ca.crt': ca.certPem,
    'apiserver.crt': serving.certPem,
    'apiserver.key': serving.keyPem,
    'apiserver-etcd-client.crt': etcdClient.certPem,
    'apiserver-etcd-client.key': etcdClient.keyPem,
    'sa.key': sa.privateKeyPem,
    'sa.pub': sa.publicKeyPem,
    'etcd/ca.crt': etcdCa.certPem,
    'etcd/server.crt': etcdServer.certPem,
    'etcd/server.key': etcdServer.keyPem,
    'etcd/peer.crt': etcdPeer.certPem,
    'etcd/peer.key': etcdPeer.keyPem,
  };
  for (const [name, text] of Object.entries(files)) await write(name, text);
  return {
    etcd: {
      caFile: p('etcd/ca.crt'),
      certFile: p('etcd/server.crt'),
      keyFile: p('etcd/server.key'),
      peerCertFile: p('etcd/peer.crt'),
      peerKeyFile: p('etcd/peer.key'),
    },
    apiserver: {
      caFile: p('ca.crt'),
      certFile: p('apiserver.crt'),
      keyFile: p('apiserver.key'),
      etcdCaFile: p('etcd/ca.crt'),
      etcdCertFile: p('apiserver-etcd-client.crt'),
      etcdKeyFile: p('apiserver-etcd-client.key'),
      serviceAccountKeyFile: p('sa.pub'),
      serviceAccountSigningKeyFile: p('sa.key'),
    },
    admin: {
      clusterName: 'berth-e2e',
      userName: 'kubernetes-admin',
      caPem: ca.certPem,
      certPem: admin.certPem,
      keyPem: admin.keyPem,
    },
  };
}
