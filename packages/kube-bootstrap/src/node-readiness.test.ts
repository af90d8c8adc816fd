import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1CertificateSigningRequest } from '@kubernetes/client-node';
import { KUBELET_SERVING_SIGNER } from './csr-approval.js';
import { usableReadinessOf, type NodeObject } from './node-readiness.js';

const now = new Date('2026-12-05T12:00:00Z');

function node(name: string, runtime: string, ageMs: number, ready = true): NodeObject {
  return {
    metadata: { name, creationTimestamp: new Date(now.getTime() - ageMs) },
    status: {
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: 'KubeletReady' }],
      nodeInfo: { containerRuntimeVersion: runtime },
    },
  };
}

function servingCsr(nodeName: string, issued: boolean, signer = KUBELET_SERVING_SIGNER) {
  return {
    spec: { request: '', signerName: signer, username: `system:node:${nodeName}` },
    status: issued ? { certificate: 'LS0tLS1CRUdJTi...' } : {},
  } as V1CertificateSigningRequest;
}

test('a young real node is ready only once its serving certificate is issued', () => {
  const w1 = node('w1', 'containerd://2.1.4', 20_000);
  assert.deepEqual(usableReadinessOf(w1, [], now), {
    ready: false,
    reason: 'ServingCertificatePending',
  });
  assert.equal(usableReadinessOf(w1, [servingCsr('w1', false)], now).ready, false);
  assert.equal(usableReadinessOf(w1, [servingCsr('w2', true)], now).ready, false);
  assert.equal(
    usableReadinessOf(w1, [servingCsr('w1', true, 'kubernetes.io/kube-apiserver-client')], now)
      .ready,
    false,
  );
  assert.deepEqual(usableReadinessOf(w1, [servingCsr('w1', true)], now), {
    ready: true,
    reason: 'KubeletReady',
  });
});

test('simulated nodes, old nodes and not-ready nodes keep Kubernetes’ own answer', () => {
  assert.equal(usableReadinessOf(node('k1', 'kwok://v0.8.0', 1_000), [], now).ready, true);
  assert.equal(usableReadinessOf(node('h1', '', 1_000), [], now).ready, true);
  // The CSR cleaner removes issued requests after an hour: an older node has nothing to show.
  assert.equal(
    usableReadinessOf(node('w1', 'containerd://2.1.4', 50 * 60_000), [], now).ready,
    true,
  );
  assert.deepEqual(usableReadinessOf(node('w1', 'containerd://2.1.4', 1_000, false), [], now), {
    ready: false,
    reason: 'KubeletReady',
  });
});
