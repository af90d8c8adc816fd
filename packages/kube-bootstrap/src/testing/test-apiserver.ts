/**
 * For end-to-end tests of code that talks to a cluster's API: one etcd and one kube-apiserver
 * from the component cache (installed there if missing) on loopback, with a throwaway PKI laid
 * out as kubeadm names it, until /readyz answers. No controller-manager runs, so the objects a
 * test writes (Nodes, EndpointSlices) stay as written. `stop()` stops both by PID and removes
 * the temp dir; a failed start stops what it started.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiserverArgs, etcdArgs } from '../component-flags.js';
import { startProcess, type RunningProcess } from './processes.js';
import { installedComponents } from './e2e-components.js';
import { KubeClient, type KubeCredentials } from '../kube-client.js';
import { kubeObjects } from './kube-objects.js';
import {
  createCertificateAuthority,
  createServiceAccountKeyPair,
  issueCertificate,
} from '../pki.js';
import { freePort, StopWaiting, until } from '@berth/test-kit';

const LOOPBACK = '127.0.0.1';
/** A cold kube-apiserver needs ~10-20 s here to finish its post-start hooks. */
const READY_TIMEOUT_MS = 120_000;

export interface TestApiserver {
  /** An admin (system:masters) client. */
  api: KubeClient;
  /** The admin's credentials, e.g. for a kubeconfig. */
  admin: KubeCredentials;
  /** The version the binaries were stamped with, e.g. `v1.34.10`. */
  kubernetesVersion: string;
  logTail(): string;
  etcdLogTail(): string;
  stop(): Promise<void>;
}

export interface TestApiserverOptions {
  /** Content of a structured authentication configuration (`--authentication-config`). */
  authenticationConfig?: string;
}

export async function startTestApiserver(
  progress: (line: string) => void,
  options: TestApiserverOptions = {},
): Promise<TestApiserver> {
  const { path, kubernetesVersion } = await installedComponents(
    ['etcd', 'kube-apiserver'],
    progress,
  );
  const dir = await mkdtemp(join(tmpdir(), 'berth-e2e-api-'));
  const processes: RunningProcess[] = [];
  const stop = async () => {
    for (const p of processes.reverse()) await p.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const pki = await writePki(dir);
    const [clientPort, peerPort, securePort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const etcd = startProcess(
      await path('etcd'),
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
    const authenticationConfigFile = join(dir, 'authentication-config.yaml');
    if (options.authenticationConfig !== undefined)
      await writeFile(authenticationConfigFile, options.authenticationConfig);
    const apiserver = startProcess(
      await path('kube-apiserver'),
      apiserverArgs({
        advertiseAddress: LOOPBACK,
        bindAddress: LOOPBACK,
        securePort,
        etcdServers: [`https://${LOOPBACK}:${clientPort}`],
        serviceClusterIpRange: '10.254.0.0/16',
        serviceAccountIssuer: 'https://kubernetes.default.svc.cluster.local',
        authorizationModes: ['Node', 'RBAC'],
        ...(options.authenticationConfig === undefined ? {} : { authenticationConfigFile }),
        pki: pki.apiserver,
      }),
      join(dir, 'kube-apiserver.log'),
    );
    processes.push(apiserver);
    const admin = { server: `https://${LOOPBACK}:${securePort}`, ...pki.admin };
    const api = new KubeClient(admin);
    await until(
      'kube-apiserver /readyz',
      async () => {
        if (etcd.exited() || apiserver.exited())
          throw new StopWaiting(
            `a control-plane process exited; kube-apiserver said: ${apiserver.logTail().slice(-1500)}`,
          );
        const { status } = await api.raw('/readyz');
        return status === 200 ? true : undefined;
      },
      { timeoutMs: READY_TIMEOUT_MS },
    );
    // The default namespace and service-account admission need a moment after /readyz.
    await until(
      'namespace default',
      () => kubeObjects(api).read('v1', 'Namespace', undefined, 'default'),
      {
        timeoutMs: 30_000,
      },
    );
    return {
      api,
      admin,
      kubernetesVersion,
      logTail: () => apiserver.logTail(),
      etcdLogTail: () => etcd.logTail(),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The PKI of a one-member stacked control plane on loopback, as kubeadm names it. */
async function writePki(dir: string) {
  const p = (name: string) => join(dir, 'pki', name);
  await mkdir(join(dir, 'pki', 'etcd'), { recursive: true });
  const loopback = { ipAddresses: [LOOPBACK], dnsNames: ['localhost'] };
  const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
  const etcdCa = await createCertificateAuthority({ commonName: 'etcd-ca' });
  const etcdServer = await issueCertificate({
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
    dnsNames: ['localhost', 'kubernetes'],
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
  };
  for (const [name, text] of Object.entries(files)) await writeFile(p(name), text, { mode: 0o600 });
  return {
    etcd: {
      caFile: p('etcd/ca.crt'),
      certFile: p('etcd/server.crt'),
      keyFile: p('etcd/server.key'),
      peerCertFile: p('etcd/server.crt'),
      peerKeyFile: p('etcd/server.key'),
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
    admin: { caPem: ca.certPem, certPem: admin.certPem, keyPem: admin.keyPem },
  };
}
