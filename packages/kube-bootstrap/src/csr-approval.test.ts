import { test } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { V1CertificateSigningRequest } from '@kubernetes/client-node';
import { KUBELET_SERVING_SIGNER, servingCsrRefusal } from './csr-approval.js';

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

async function csr(
  subject: string,
  names: Array<{ type: 'dns' | 'ip'; value: string }>,
  extra: Partial<V1CertificateSigningRequest['spec']> = {},
): Promise<V1CertificateSigningRequest> {
  const keys = await crypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subject,
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension(names)],
  });
  return {
    spec: {
      request: Buffer.from(request.toString('pem')).toString('base64'),
      signerName: KUBELET_SERVING_SIGNER,
      username: 'system:node:w1',
      usages: ['digital signature', 'server auth'],
      ...extra,
    },
  };
}

const addresses = new Map([['w1', ['10.0.0.21']]]);
const node = 'CN=system:node:w1, O=system:nodes';

test('a kubelet asking for its own name and its server’s address is approved', async () => {
  const ok = await csr(node, [
    { type: 'dns', value: 'w1' },
    { type: 'ip', value: '10.0.0.21' },
  ]);
  assert.equal(servingCsrRefusal(ok, addresses), undefined);
});

test('anything else is left alone, saying why', async () => {
  const names = [{ type: 'ip' as const, value: '10.0.0.21' }];
  const cases: Array<[string, Promise<V1CertificateSigningRequest>, RegExp]> = [
    ['foreign address', csr(node, [{ type: 'ip', value: '10.0.0.99' }]), /10\.0\.0\.99/],
    ['other DNS name', csr(node, [{ type: 'dns', value: 'evil' }]), /names evil/],
    [
      'not a node of the cluster',
      csr(node, names, { username: 'system:node:w9' }),
      /not from a node/,
    ],
    [
      'another signer',
      csr(node, names, { signerName: 'kubernetes.io/kube-apiserver-client' }),
      /another signer/,
    ],
    ['client usages', csr(node, names, { usages: ['client auth'] }), /other usages/],
    ['subject of another node', csr('CN=system:node:w2, O=system:nodes', names), /subject/],
  ];
  for (const [what, request, why] of cases)
    assert.match(servingCsrRefusal(await request, addresses) ?? 'approved', why, what);
});
