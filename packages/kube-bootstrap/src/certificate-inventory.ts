/**
 * What a cluster's control-plane certificates are and when they expire, from its stored PKI — a
 * pure function of the PEMs (node:crypto parses them). Keys are never read out.
 */
import { X509Certificate } from 'node:crypto';
import type { ClusterAuthorities, MasterCertificates } from './cluster-certs.js';

export interface CertificateInfo {
  /** e.g. `ca`, `apiserver`, `etcd-peer`. */
  name: string;
  /** `cluster`, or the master it belongs to. */
  owner: string;
  kind: 'authority' | 'server' | 'client' | 'peer';
  subject: string;
  notBefore: string;
  notAfter: string;
}

const MASTER_CERTS: Array<[keyof MasterCertificates, string, CertificateInfo['kind']]> = [
  ['apiserver', 'apiserver', 'server'],
  ['apiserverKubeletClient', 'apiserver-kubelet-client', 'client'],
  ['apiserverEtcdClient', 'apiserver-etcd-client', 'client'],
  ['frontProxyClient', 'front-proxy-client', 'client'],
  ['etcdServer', 'etcd-server', 'server'],
  ['etcdPeer', 'etcd-peer', 'peer'],
  ['controllerManager', 'controller-manager', 'client'],
  ['scheduler', 'scheduler', 'client'],
];

export function describeCertificate(
  name: string,
  owner: string,
  kind: CertificateInfo['kind'],
  pem: string,
): CertificateInfo {
  const cert = new X509Certificate(pem);
  return {
    name,
    owner,
    kind,
    subject: cert.subject.replace(/\n/g, ', '),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

export function certificateInventory(input: {
  authorities: ClusterAuthorities;
  masters: Array<{ name: string; certs: MasterCertificates }>;
  admin?: { certPem: string };
}): CertificateInfo[] {
  const { authorities: cas } = input;
  const list = [
    describeCertificate('ca', 'cluster', 'authority', cas.ca.certPem),
    describeCertificate('etcd-ca', 'cluster', 'authority', cas.etcdCa.certPem),
    describeCertificate('front-proxy-ca', 'cluster', 'authority', cas.frontProxyCa.certPem),
  ];
  if (input.admin)
    list.push(describeCertificate('admin', 'cluster', 'client', input.admin.certPem));
  for (const master of input.masters) {
    for (const [key, name, kind] of MASTER_CERTS)
      list.push(describeCertificate(name, master.name, kind, master.certs[key].certPem));
  }
  return list;
}
