/**
 * Approval of kubelets' serving certificates, as a cloud's node controller does. A real node's
 * kubelet asks for its serving certificate through a CertificateSigningRequest
 * (`kubernetes.io/kubelet-serving`, `serverTLSBootstrap`), since its address is known only once
 * its server exists. Kubernetes signs those only once someone approves them, and approving one
 * blindly would let any node claim any address: Berth approves a request only when
 *
 * - it comes from `system:node:<name>` for a server of this cluster named `<name>`,
 * - its subject is that node (`CN=system:node:<name>`, `O=system:nodes`),
 * - every IP it names is one of that server's addresses and every DNS name is `<name>`,
 * - it asks for nothing but a serving certificate's usages;
 *
 * and leaves every other request alone (someone else may approve or deny it).
 */
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs the Reflect polyfill first.
import * as x509 from '@peculiar/x509';
import type { V1CertificateSigningRequest } from '@kubernetes/client-node';
import type { KubeClient } from './kube-client.js';

export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';
const ALLOWED_USAGES = new Set(['digital signature', 'key encipherment', 'server auth']);

/** A request's identity and names, read from its PEM. */
export interface CsrNames {
  subject: string;
  dnsNames: string[];
  ipAddresses: string[];
}

export function csrNames(pem: string): CsrNames {
  const csr = new x509.Pkcs10CertificateRequest(pem);
  const ext = csr.getExtension('2.5.29.17');
  const san = ext === null ? undefined : new x509.SubjectAlternativeNameExtension(ext.rawData);
  const names = san?.names.items ?? [];
  return {
    subject: csr.subject,
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
    ipAddresses: names.filter((n) => n.type === 'ip').map((n) => n.value),
  };
}

/** Why a request must not be approved for `addresses` (node name → its server's IPs), or undefined. */
export function servingCsrRefusal(
  csr: V1CertificateSigningRequest,
  addresses: ReadonlyMap<string, readonly string[]>,
): string | undefined {
  const { spec } = csr;
  if (spec.signerName !== KUBELET_SERVING_SIGNER) return 'another signer';
  const node = /^system:node:(.+)$/.exec(spec.username ?? '')?.[1];
  if (node === undefined || !addresses.has(node)) return 'not from a node of this cluster';
  if ((spec.usages ?? []).some((u) => !ALLOWED_USAGES.has(u))) return 'asks for other usages';
  const names = csrNames(Buffer.from(spec.request, 'base64').toString('utf8'));
  const subject = names.subject.split(/,\s*/).sort().join(', ');
  if (subject !== ['CN=system:node:' + node, 'O=system:nodes'].sort().join(', '))
    return `subject ${names.subject} is not the node`;
  if (names.dnsNames.some((n) => n !== node)) return `names ${names.dnsNames.join(', ')}`;
  const mine = new Set(addresses.get(node));
  const foreign = names.ipAddresses.filter((ip) => !mine.has(ip));
  if (foreign.length > 0) return `addresses ${foreign.join(', ')} are not the server's`;
  return undefined;
}

function decided(csr: V1CertificateSigningRequest): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === 'Approved' || c.type === 'Denied');
}

/** Approves every pending kubelet-serving request that passes; returns the names approved. */
export async function approveServingCsrs(
  api: KubeClient,
  addresses: ReadonlyMap<string, readonly string[]>,
  now: Date,
  signal?: AbortSignal,
): Promise<string[]> {
  const opts = signal ? { signal } : {};
  const list = await api.call(
    'list certificate signing requests',
    (k) => k.certificates.listCertificateSigningRequest({}),
    opts,
  );
  const approved: string[] = [];
  for (const csr of list.items) {
    if (decided(csr) || servingCsrRefusal(csr, addresses) !== undefined) continue;
    const name = csr.metadata?.name ?? '';
    const body: V1CertificateSigningRequest = {
      ...csr,
      status: {
        ...csr.status,
        conditions: [
          ...(csr.status?.conditions ?? []),
          {
            type: 'Approved',
            status: 'True',
            reason: 'BerthApproved',
            message: "the node's server holds every address it names",
            lastUpdateTime: now,
          },
        ],
      },
    };
    await api.call(
      `approve certificate signing request ${name}`,
      (k) => k.certificates.replaceCertificateSigningRequestApproval({ name, body }),
      opts,
    );
    approved.push(name);
  }
  return approved;
}
