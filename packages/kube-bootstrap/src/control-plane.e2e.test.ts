/**
 * End to end: real etcd and kube-apiserver from the component cache (installed if missing),
 * on loopback, with a throwaway PKI from pki.ts, until `kubectl get --raw /readyz` says ok.
 * Everything started is stopped by PID and the temp dir removed, also when the test fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderClientCertKubeconfig } from './kubeconfig.js';
import { startTestApiserver } from './testing/test-apiserver.js';

const run = promisify(execFile);

test('etcd and kube-apiserver from the cache serve /readyz over mutual TLS', async (t) => {
  await run('kubectl', ['version', '--client']).catch((err: unknown) => {
    throw new Error(
      `this test drives the API with kubectl, which is not usable here: ${String(err)}`,
    );
  });
  const apiserver = await startTestApiserver((line) => t.diagnostic(line));
  const dir = await mkdtemp(join(tmpdir(), 'berth-e2e-cp-'));
  t.after(async () => {
    await apiserver.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const kubeconfig = join(dir, 'admin.kubeconfig');
  await writeFile(
    kubeconfig,
    renderClientCertKubeconfig({
      clusterName: 'berth-e2e',
      userName: 'kubernetes-admin',
      ...apiserver.admin,
    }),
    { mode: 0o600 },
  );
  const kubectl = (...args: string[]) =>
    run('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 10_000 });

  try {
    assert.equal((await kubectl('get', '--raw', '/readyz')).stdout.trim(), 'ok');
    const info = JSON.parse((await kubectl('get', '--raw', '/version')).stdout) as {
      gitVersion: string;
    };
    assert.equal(info.gitVersion, apiserver.kubernetesVersion, 'the binary is version-stamped');
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
    t.diagnostic(`etcd log tail:\n${apiserver.etcdLogTail()}`);
    t.diagnostic(`kube-apiserver log tail:\n${apiserver.logTail()}`);
    throw err;
  }
});
