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

export interface ServingCsrApproval {
  /** Names of the requests approved in this pass. */
  approved: string[];
  /** Every request as listed before approving (with the approvals of this pass added). */
  requests: V1CertificateSigningRequest[];
}

/** Approves every pending kubelet-serving request that passes. */
export async function approveServingCsrs(
  api: KubeClient,
  addresses: ReadonlyMap<string, readonly string[]>,
  now: Date,
  signal?: AbortSignal,
): Promise<ServingCsrApproval> {
  const opts = signal ? { signal } : {};
  const list = await api.call(
    'list certificate signing requests',
    (k) => k.certificates.listCertificateSigningRequest({}),
    opts,
  );
  const approved: string[] = [];
  const requests: V1CertificateSigningRequest[] = [];
  for (const csr of list.items) {
    requests.push(csr);
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
    requests[requests.length - 1] = body;
    approved.push(name);
  }
  return { approved, requests };
}

/**
 * How long after a node registers its serving certificate is still checked. kube-controller-
 * manager deletes issued requests an hour after they were made (its CSR cleaner), so an older
 * node may have none left to show; by then its kubelet has long had its certificate.
 */
export const SERVING_CERTIFICATE_GRACE_MS = 45 * 60_000;

/**
 * Whether a real kubelet named `node` still waits for its serving certificate: true until a
 * kubelet-serving request from it carries an issued certificate. Until then the node may be
 * Ready for Kubernetes while `kubectl logs`, `exec` and `port-forward` to it fail with a TLS
 * error, so Berth does not count it ready yet.
 */
export function awaitsServingCertificate(
  node: string,
  requests: readonly V1CertificateSigningRequest[],
): boolean {
  return !requests.some(
    (csr) =>
      csr.spec.signerName === KUBELET_SERVING_SIGNER &&
      csr.spec.username === `system:node:${node}` &&
      (csr.status?.certificate ?? '') !== '',
  );
}
