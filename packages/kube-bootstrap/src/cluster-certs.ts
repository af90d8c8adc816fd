/**
 * Which certificates a cluster has and what each one says, kubeadm's way: three authorities and
 * a service-account key pair per cluster; per master the apiserver's serving and client
 * certificates, etcd's serving and peer certificates, and the controller-manager's and
 * scheduler's identities; per worker a `system:node:<name>` identity; one admin identity.
 */
import { formatIpv4, parseCidr } from '@berth/net';
import {
  createCertificateAuthority,
  createServiceAccountKeyPair,
  issueCertificate,
  type CertificateAuthority,
  type IssuedCertificate,
  type ServiceAccountKeyPair,
} from './pki.js';

export interface ClusterAuthorities {
  ca: CertificateAuthority;
  etcdCa: CertificateAuthority;
  frontProxyCa: CertificateAuthority;
  serviceAccount: ServiceAccountKeyPair;
}

export interface MasterCertificates {
  apiserver: IssuedCertificate;
  apiserverKubeletClient: IssuedCertificate;
  apiserverEtcdClient: IssuedCertificate;
  frontProxyClient: IssuedCertificate;
  etcdServer: IssuedCertificate;
  etcdPeer: IssuedCertificate;
  controllerManager: IssuedCertificate;
  scheduler: IssuedCertificate;
}

/** Names and addresses that go into one master's certificates. */
export interface MasterIdentity {
  name: string;
  address: string;
  vipAddress: string;
  /** The address clients use (floating IP or VIP). */
  apiAddress: string;
  servicesCidr: string;
}

export const ADMIN_USER = 'kubernetes-admin';
export const KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';
/** The cluster autoscaler Berth runs for the cluster; rbac.ts gives it its rights. */
export const AUTOSCALER_USER = 'berth:cluster-autoscaler';
/** Berth's storage controller (provisioner, attacher, resizer) as the cluster knows it. */
export const STORAGE_USER = 'berth:storage-controller';

export async function createAuthorities(now?: Date): Promise<ClusterAuthorities> {
  const at = now === undefined ? {} : { now };
  return {
    ca: await createCertificateAuthority({ commonName: 'kubernetes', ...at }),
    etcdCa: await createCertificateAuthority({ commonName: 'etcd-ca', ...at }),
    frontProxyCa: await createCertificateAuthority({ commonName: 'front-proxy-ca', ...at }),
    serviceAccount: await createServiceAccountKeyPair(),
  };
}

/** The SANs of the apiserver's serving certificate: every name and address it is reached by. */
export function apiserverSans(m: MasterIdentity): { dnsNames: string[]; ipAddresses: string[] } {
  return {
    dnsNames: [
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
      'localhost',
      m.name,
    ],
    ipAddresses: unique([
      m.address,
      m.vipAddress,
      m.apiAddress,
      firstServiceIp(m.servicesCidr),
      '127.0.0.1',
    ]),
  };
}

/** The cluster IP of the `kubernetes` Service: the first address of the services range. */
export function firstServiceIp(servicesCidr: string): string {
  return formatIpv4(parseCidr(servicesCidr).network + 1);
}

export async function issueMasterCertificates(
  cas: ClusterAuthorities,
  m: MasterIdentity,
  now?: Date,
): Promise<MasterCertificates> {
  const at = now === undefined ? {} : { now };
  const etcdNames = { dnsNames: unique([m.name, 'localhost']) };
  const client = (ca: CertificateAuthority, commonName: string, organizations?: string[]) =>
    issueCertificate({
      ca,
      commonName,
      usage: 'client',
      ...(organizations ? { organizations } : {}),
      ...at,
    });
  return {
    apiserver: await issueCertificate({
      ca: cas.ca,
      commonName: 'kube-apiserver',
      usage: 'server',
      ...apiserverSans(m),
      ...at,
    }),
    // Bound to system:kubelet-api-admin by the bootstrap RBAC (rbac.ts), not a superuser group.
    apiserverKubeletClient: await client(cas.ca, KUBELET_CLIENT_USER),
    apiserverEtcdClient: await client(cas.etcdCa, 'kube-apiserver-etcd-client'),
    frontProxyClient: await client(cas.frontProxyCa, 'front-proxy-client'),
    etcdServer: await issueCertificate({
      ca: cas.etcdCa,
      commonName: m.name,
      usage: 'peer',
      ...etcdNames,
      ipAddresses: unique([m.address, '127.0.0.1']),
      ...at,
    }),
    etcdPeer: await issueCertificate({
      ca: cas.etcdCa,
      commonName: m.name,
      usage: 'peer',
      ...etcdNames,
      ipAddresses: [m.address],
      ...at,
    }),
    controllerManager: await client(cas.ca, 'system:kube-controller-manager'),
    scheduler: await client(cas.ca, 'system:kube-scheduler'),
  };
}

/** A worker's identity: the Node authorizer and NodeRestriction admission key off these names. */
export function issueNodeCertificate(
  ca: CertificateAuthority,
  nodeName: string,
  now?: Date,
): Promise<IssuedCertificate> {
  return issueCertificate({
    ca,
    commonName: `system:node:${nodeName}`,
    organizations: ['system:nodes'],
    usage: 'client',
    ...(now === undefined ? {} : { now }),
  });
}

/** kube-proxy's identity: the built-in `system:node-proxier` binding names this user. */
export function issueKubeProxyCertificate(
  ca: CertificateAuthority,
  now?: Date,
): Promise<IssuedCertificate> {
  return issueCertificate({
    ca,
    commonName: 'system:kube-proxy',
    usage: 'client',
    ...(now === undefined ? {} : { now }),
  });
}

export function issueAdminCertificate(
  ca: CertificateAuthority,
  now?: Date,
): Promise<IssuedCertificate> {
  return issueCertificate({
    ca,
    commonName: ADMIN_USER,
    organizations: ['system:masters'],
    usage: 'client',
    ...(now === undefined ? {} : { now }),
  });
}

/** A client certificate for one of Berth's own identities (AUTOSCALER_USER, STORAGE_USER). */
export function issueClientCertificate(
  ca: CertificateAuthority,
  commonName: string,
  now?: Date,
): Promise<IssuedCertificate> {
  return issueCertificate({
    ca,
    commonName,
    usage: 'client',
    ...(now === undefined ? {} : { now }),
  });
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
