/**
 * End to end without a provider: a master's and a worker's rendered user data run as plain
 * processes on loopback (real etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
 * kwok and the registration script), then, as the cluster admin: the Node is Ready with its
 * labels, taints, capacity and providerID; a Deployment's pods run on it; a drain honours a
 * PodDisruptionBudget and then empties and removes the node. Everything started is stopped by
 * PID and the temp dir removed, also when the test fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BerthError } from '@berth/errors';
import {
  createAuthorities,
  issueAdminCertificate,
  issueMasterCertificates,
  issueNodeCertificate,
} from './cluster-certs.js';
import { controlPlaneHealth } from './control-plane-health.js';
import { drainNode } from './drain.js';
import { KubeClient } from './kube-client.js';
import { kubeObjects } from './testing/kube-objects.js';
import { renderMasterUserData } from './master-user-data.js';
import { nodeSpec } from './node-spec.js';
import type { Server } from '@berth/provider-api';
import { listNodes, readinessOf, type NodeObject } from './node-readiness.js';
import { applyRestrictedLabels, missingRestrictedLabels } from './restricted-labels.js';
import { testCluster } from './testing/fixtures.js';
import { applyBootstrapRbac } from './rbac.js';
import { e2eComponents } from './testing/e2e-components.js';
import { runUserData, type RunningServer } from './testing/user-data-runner.js';
import { deployment, pdb, type PodView } from './testing/workloads.js';
import { renderWorkerUserData } from './worker-user-data.js';
import { freePort, until } from '@berth/test-kit';

const LOOPBACK = '127.0.0.1';
const NODE = 'e2e-pool-w0';
const SERVER_ID = 'srv-0123';
const network = { podsCidr: '10.100.0.0/16', servicesCidr: '10.254.0.0/16' };

test('a master and a simulated worker from rendered user data make a working cluster', async (t) => {
  const components = await e2eComponents((line) => t.diagnostic(line));
  const dir = await mkdtemp(join(tmpdir(), 'berth-e2e-cluster-'));
  const servers: RunningServer[] = [];
  t.after(async () => {
    for (const s of servers.reverse()) await s.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

  const cas = await createAuthorities();
  // The apiserver refuses to publish a loopback endpoint; this documentation address (RFC 5737)
  // is only written into the `kubernetes` Service, never connected to.
  const master = { name: 'e2e-master-0', address: LOOPBACK, advertiseAddress: '192.0.2.10' };
  const ports = {
    apiserver: await freePort(),
    etcdClient: await freePort(),
    etcdPeer: await freePort(),
    controllerManager: await freePort(),
    scheduler: await freePort(),
  };
  const certs = await issueMasterCertificates(cas, {
    ...master,
    vipAddress: LOOPBACK,
    apiAddress: LOOPBACK,
    servicesCidr: network.servicesCidr,
  });
  const served = { name: master.name, address: master.advertiseAddress };
  const masterData = renderMasterUserData({
    clusterName: 'e2e',
    master,
    masters: [master],
    network,
    ports,
    binaries: components.master,
    // Flags differ by minor (kube-controller-manager 1.37 knows no in-tree cloud controllers).
    minor: /^v?(\d+\.\d+)/.exec(components.kubernetesVersion)![1]!,
    authorities: cas,
    certs,
  });
  servers.push(await runUserData(join(dir, 'master-0'), masterData));
  const admin = new KubeClient({
    server: `https://${LOOPBACK}:${ports.apiserver}`,
    caPem: cas.ca.certPem,
    ...(await issueAdminCertificate(cas.ca)),
  });

  try {
    let last = '';
    const health = await until(
      'control plane ready',
      async () => {
        const h = await controlPlaneHealth(admin, [served], new Date());
        last = `${h.reason}: ${h.message}`;
        return h.ready ? h : undefined;
      },
      { timeoutMs: 120_000 },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; last health: ${last}`);
    });
    t.diagnostic(`control plane ready after ${seconds()} s: ${health.message}`);
    await applyBootstrapRbac(admin);

    const spec = nodeSpec({
      nodeName: NODE,
      nodeGroup: 'pool',
      zone: 'az1',
      flavor: { name: 'std-2-4', vcpus: 2, ramMiB: 4096 },
      diskGb: 20,
      labels: { tier: 'web', 'node-role.kubernetes.io/worker': '' },
      taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }],
    });
    const workerData = renderWorkerUserData({
      clusterName: 'e2e',
      apiServer: admin.server,
      podsCidr: network.podsCidr,
      kubeletVersion: components.kubernetesVersion,
      node: spec,
      caPem: cas.ca.certPem,
      nodeCert: await issueNodeCertificate(cas.ca, NODE),
      binaries: components.worker,
    });
    const workerStart = Date.now();
    servers.push(
      await runUserData(join(dir, 'worker-0'), workerData, {
        BERTH_SERVER_ID: SERVER_ID,
        BERTH_NODE_IP: LOOPBACK,
      }),
    );
    const node = await until(
      'node Ready',
      async () => {
        const n = (await listNodes(admin)).find((x) => x.metadata.name === NODE);
        return n !== undefined && readinessOf(n).ready ? n : undefined;
      },
      { timeoutMs: 90_000 },
    );
    t.diagnostic(
      `node Ready ${((Date.now() - workerStart) / 1000).toFixed(1)} s after its user data ran`,
    );
    assert.equal(node.spec?.providerID, `berth://${SERVER_ID}`);
    assert.equal(node.metadata.labels?.['berth.dev/nodegroup'], 'pool');
    assert.equal(node.metadata.labels?.['topology.kubernetes.io/zone'], 'az1');
    assert.equal(node.metadata.labels?.['node.kubernetes.io/instance-type'], 'std-2-4');
    assert.equal(node.metadata.labels?.tier, 'web');
    // NodeRestriction kept the node from labelling itself a worker; Berth does it as admin.
    assert.equal(node.metadata.labels?.['node-role.kubernetes.io/worker'], undefined);
    const cluster = testCluster('e2e', {
      nodeGroups: [{ name: 'pool', labels: spec.labels, runtime: 'simulated' }],
    });
    const server = {
      name: NODE,
      metadata: { 'berth.dev/node-group': 'pool' },
    } as unknown as Server;
    await applyRestrictedLabels(admin, missingRestrictedLabels(cluster, [server], [node]));
    const k = kubeObjects(admin);
    const relabelled = (await k.read<NodeObject>('v1', 'Node', undefined, NODE))!;
    assert.equal(relabelled.metadata.labels?.['node-role.kubernetes.io/worker'], '');
    // The node-lifecycle controller's own taints (not-ready) may still be there for a moment.
    assert.deepEqual(
      node.spec?.taints
        ?.filter((x) => !x.key.startsWith('node.kubernetes.io/'))
        .map(({ key, value, effect }) => ({ key, value, effect })),
      [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }],
    );
    const full = (await k.read<{
      status: { capacity: Record<string, string>; nodeInfo: { kubeletVersion: string } };
    }>('v1', 'Node', undefined, NODE))!;
    // The API writes quantities canonically: 4096Mi reads back as 4Gi.
    assert.deepEqual(full.status.capacity, {
      cpu: '2',
      memory: '4Gi',
      pods: '110',
      'ephemeral-storage': '20Gi',
    });
    assert.equal(full.status.nodeInfo.kubeletVersion, components.kubernetesVersion);

    await k.create(deployment());
    const pods = await until(
      '2 pods Running',
      async () => {
        const list = await k.list<PodView & { metadata: { labels?: Record<string, string> } }>(
          'v1',
          'Pod',
          'default',
        );
        const running = list.filter(
          (p) =>
            p.metadata.labels?.app === 'web' &&
            p.status.phase === 'Running' &&
            p.spec.nodeName === NODE,
        );
        return running.length === 2 ? running : undefined;
      },
      { timeoutMs: 90_000 },
    );
    t.diagnostic(
      `2 pods Running after ${seconds()} s: ${pods.map((p) => p.status.podIP).join(', ')}`,
    );
    for (const p of pods)
      assert.match(p.status.podIP ?? '', /^10\.100\./, 'pod IPs come from the node podCIDR');

    await k.create(pdb());
    await until(
      'PDB observed',
      async () => {
        const p = await k.read<{ status?: { disruptionsAllowed?: number } }>(
          'policy/v1',
          'PodDisruptionBudget',
          'default',
          'web',
        );
        return p?.status?.disruptionsAllowed === 1 ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );
    await assert.rejects(
      drainNode(admin, { nodeName: NODE, deadline: Date.now() + 8_000, now: Date.now }),
      (err: unknown) =>
        err instanceof BerthError &&
        err.code === 'BERTH_ERR_TIMEOUT' &&
        /PodDisruptionBudget/.test(err.message),
      'the PodDisruptionBudget holds the last pod',
    );
    await k.delete('policy/v1', 'PodDisruptionBudget', 'default', 'web');
    await drainNode(admin, { nodeName: NODE, deadline: Date.now() + 60_000, now: Date.now });
    assert.equal(await k.read('v1', 'Node', undefined, NODE), undefined, 'the Node is gone');
    const left = await k.list('v1', 'Pod', undefined, `spec.nodeName=${NODE}`);
    assert.equal(left.length, 0, 'no pods left on the drained node');
    t.diagnostic(`drained after ${seconds()} s`);
  } catch (err) {
    const pods = await kubeObjects(admin)
      .list('v1', 'Pod')
      .catch(() => undefined);
    t.diagnostic(`pods: ${JSON.stringify(pods ?? 'unavailable')}`);
    for (const s of servers) {
      for (const name of [
        'etcd',
        'kube-apiserver',
        'kube-controller-manager',
        'kube-scheduler',
        'register-node',
        'kwok',
      ]) {
        try {
          t.diagnostic(`${s.rootDir} ${name}:\n${s.logTail(name, 40)}`);
        } catch {
          // not a service of this server
        }
      }
    }
    throw err;
  }
});
