/**
 * End to end: the metrics-server addon on a real local cluster of one master and two real
 * nodes, driven as a user would (the CLI and kubectl). It proves the aggregation layer works
 * without kube-proxy on the masters (kube-apiserver dials the pod through the cluster router),
 * that kubelets' serving certificates verify against the cluster CA (`kubectl top` returns
 * numbers), that an HPA scales a Deployment on CPU, that `berth addon install … --version`
 * upgrades the addon across catalog versions without `kubectl top` breaking, and that removal
 * leaves no APIService and no object behind.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { skipUnless, until } from '@berth/test-kit';
import {
  binariesInstalled,
  createClusterWithReadyNodes,
  kubectl,
  skip as e2eSkip,
  startBerth,
  tearDownBerth,
  type Berth,
  type E2eEnv,
  type Json,
} from './testing/e2e.js';

const VERSIONS = ['0.8.0', '0.8.1'] as const;
const built = await binariesInstalled(VERSIONS.map((v) => `metrics-server-v${v}`));
const skip =
  e2eSkip ||
  skipUnless({
    'metrics-server (berth components install default --only addons)': built,
  });

const CLUSTER = 'ms';

describe(
  'the metrics-server addon on a local cluster of real nodes',
  { skip, concurrency: false },
  () => {
    let env: E2eEnv;
    let b: Berth;
    let kubeconfig: string;
    const k = (...args: string[]) => kubectl(kubeconfig, ...args);
    const addon = async (): Promise<Json> => {
      const items = JSON.parse(await b.berth('addon', 'list', CLUSTER, '-o', 'json'))
        .items as Json[];
      return items.find((a) => a.name === 'metrics-server');
    };
    /** `kubectl top nodes` once it lists every node with CPU and memory figures. */
    const topNodes = () =>
      until(
        'kubectl top nodes with figures for 2 nodes',
        async () => {
          const out = await k('top', 'nodes', '--no-headers').catch(() => '');
          const rows = out.trim().split('\n').filter(Boolean);
          const figures = rows.every((r) => /^\S+\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/.test(r));
          return rows.length === 2 && figures ? rows : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 2000 },
      );

    before(async () => {
      ({ env, b } = await startBerth());
      kubeconfig = path.join(env.dataDir, `${CLUSTER}.kubeconfig`);
    });

    after(() => tearDownBerth(env, b));

    test('berth addon install metrics-server --version 0.8.0 --wait: Installed, APIService Available', async () => {
      await createClusterWithReadyNodes(b, CLUSTER, 2, kubeconfig);
      const started = Date.now();
      await b.berth(
        'addon',
        'install',
        CLUSTER,
        'metrics-server',
        '--version',
        '0.8.0',
        '--wait',
        '--timeout',
        '5m',
      );
      const took = (Date.now() - started) / 1000;
      process.stdout.write(`# metrics-server 0.8.0: request → Installed in ${took.toFixed(1)} s\n`);
      const installed = await addon();
      assert.equal(installed.status.phase, 'Installed', JSON.stringify(installed));
      assert.equal(installed.status.version, '0.8.0');
      const image = await k(
        '-n',
        'berth-metrics',
        'get',
        'deploy',
        'metrics-server',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image}',
      );
      assert.match(image, /\/berth\/metrics-server:v0\.8\.0$/);
      const args = await k(
        '-n',
        'berth-metrics',
        'get',
        'deploy',
        'metrics-server',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].args}',
      );
      assert.ok(!args.includes('kubelet-insecure-tls'), args);
      // Available means kube-apiserver reached the pod (aggregator routing through the router).
      await until(
        'APIService v1beta1.metrics.k8s.io Available',
        async () => {
          const svc = JSON.parse(
            await k('get', 'apiservice', 'v1beta1.metrics.k8s.io', '-o', 'json'),
          );
          const available = (svc.status?.conditions ?? []).find(
            (c: Json) => c.type === 'Available',
          );
          return available?.status === 'True' ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 1000 },
      );
    });

    test('kubectl top nodes and kubectl top pods return numbers (kubelets verified with the cluster CA)', async () => {
      const rows = await topNodes();
      process.stdout.write(`# kubectl top nodes:\n${rows.map((r) => `#   ${r}`).join('\n')}\n`);
      const pods = await until(
        'kubectl top pods in berth-metrics',
        async () => {
          const out = await k('top', 'pods', '-n', 'berth-metrics', '--no-headers').catch(() => '');
          return /^metrics-server-\S+\s+\d+m\s+\d+Mi/m.test(out) ? out.trim() : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 2000 },
      );
      process.stdout.write(`# kubectl top pods -n berth-metrics: ${pods}\n`);
      const logs = await k('-n', 'berth-metrics', 'logs', 'deploy/metrics-server');
      // Scrapes went through (top has figures) and none was refused for its certificate.
      assert.doesNotMatch(logs, /x509|failed to verify|unknown authority/i, logs);
    });

    test('an HPA (autoscaling/v2, CPU utilization) scales a CPU-burning Deployment from 1 to 2', async () => {
      const registry = (await b.api('GET', '/v1/registry')).endpoint as string;
      const burn = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'burn' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'burn' } },
          template: {
            metadata: { labels: { app: 'burn' } },
            spec: {
              terminationGracePeriodSeconds: 1,
              containers: [
                {
                  name: 'burn',
                  image: `${registry}/berth/toolbox:latest`,
                  // A busy loop against a 200m limit: about 200% of the 100m request.
                  command: ['sh', '-c', 'while :; do :; done'],
                  resources: { requests: { cpu: '100m' }, limits: { cpu: '200m' } },
                },
              ],
            },
          },
        },
      };
      const hpa = {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'burn' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'burn' },
          minReplicas: 1,
          maxReplicas: 2,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
            },
          ],
        },
      };
      const file = path.join(env.dataDir, 'burn.json');
      fs.writeFileSync(
        file,
        JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [burn, hpa] }),
      );
      await k('apply', '-f', file);
      await k('rollout', 'status', 'deployment/burn', '--timeout=120s');
      const started = Date.now();
      const scaled = await until(
        'HPA burn: currentReplicas 2',
        async () => {
          const h = JSON.parse(await k('get', 'hpa', 'burn', '-o', 'json'));
          return (h.status?.currentReplicas ?? 0) >= 2 ? h : undefined;
        },
        { timeoutMs: 240_000, intervalMs: 2000 },
      );
      const took = (Date.now() - started) / 1000;
      const cpu = (scaled.status.currentMetrics as Json[]).find((m) => m.resource?.name === 'cpu');
      const utilization = cpu?.resource?.current?.averageUtilization as number | undefined;
      process.stdout.write(
        `# HPA burn: 1 → ${scaled.status.currentReplicas} replicas in ${took.toFixed(0)} s, CPU utilization ${utilization}% (target 50%)\n`,
      );
      assert.ok(typeof utilization === 'number' && utilization > 50, JSON.stringify(scaled.status));
      const able = (scaled.status.conditions as Json[]).find((c) => c.type === 'ScalingActive');
      assert.equal(able?.status, 'True', JSON.stringify(able));
      const top = await k('top', 'pods', '-l', 'app=burn', '--no-headers').catch(() => '');
      process.stdout.write(
        `# kubectl top pods -l app=burn:\n${top.trim().replace(/^/gm, '#   ')}\n`,
      );
      // The busy loops would only slow what follows.
      await k('delete', 'hpa,deployment', 'burn', '--wait=false');
    });

    test('berth addon install --version 0.8.1 --wait upgrades it: new image, Installed 0.8.1, top still works', async () => {
      // The metrics API asked every 500 ms while the addon rolls: how often it does not answer.
      let rolling = true;
      const probes = { ok: 0, failed: 0 };
      const probing = (async () => {
        while (rolling) {
          const answered = await k('get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes').then(
            () => true,
            () => false,
          );
          probes[answered ? 'ok' : 'failed']++;
          await new Promise((r) => setTimeout(r, 500));
        }
      })();
      const started = Date.now();
      await b
        .berth(
          'addon',
          'install',
          CLUSTER,
          'metrics-server',
          '--version',
          '0.8.1',
          '--wait',
          '--timeout',
          '5m',
        )
        .finally(() => (rolling = false));
      await probing;
      process.stdout.write(
        `# during the upgrade the metrics API answered ${probes.ok} of ${probes.ok + probes.failed} requests\n`,
      );
      const took = (Date.now() - started) / 1000;
      process.stdout.write(
        `# metrics-server 0.8.0 → 0.8.1: request → Installed in ${took.toFixed(1)} s\n`,
      );
      const upgraded = await addon();
      assert.equal(upgraded.version, '0.8.1');
      assert.equal(upgraded.status.phase, 'Installed', JSON.stringify(upgraded));
      assert.equal(upgraded.status.version, '0.8.1');
      const deployment = JSON.parse(
        await k('-n', 'berth-metrics', 'get', 'deploy', 'metrics-server', '-o', 'json'),
      );
      assert.match(
        deployment.spec.template.spec.containers[0].image,
        /\/berth\/metrics-server:v0\.8\.1$/,
      );
      assert.equal(deployment.metadata.labels['addons.berth.dev/version'], '0.8.1');
      assert.equal(deployment.status.updatedReplicas, 1);
      assert.equal(deployment.status.availableReplicas, 1);
      const apiservice = JSON.parse(
        await k('get', 'apiservice', 'v1beta1.metrics.k8s.io', '-o', 'json'),
      );
      assert.equal(apiservice.metadata.labels['addons.berth.dev/version'], '0.8.1');
      await topNodes();
      const events = (await b.api('GET', `/v1/projects/default/clusters/${CLUSTER}/events`))
        .items as Json[];
      assert.ok(
        events.some(
          (e) => e.reason === 'AddonInstallRequested' && /0\.8\.1 change/.test(e.message),
        ),
      );
    });

    test('berth addon remove: the APIService and every labelled object go; kubectl top fails', async () => {
      await b.berth('addon', 'remove', CLUSTER, 'metrics-server', '--wait', '--timeout', '5m');
      assert.equal(await addon(), undefined);
      const gone = async (...what: string[]) =>
        (await k('get', ...what, '--ignore-not-found', '-o', 'name')).trim();
      assert.equal(await gone('apiservice', 'v1beta1.metrics.k8s.io'), '');
      assert.equal(await gone('namespace', 'berth-metrics'), '');
      assert.equal(
        await gone(
          'rolebinding',
          '-n',
          'kube-system',
          '-l',
          'addons.berth.dev/name=metrics-server',
        ),
        '',
      );
      assert.equal(
        await gone('clusterrole,clusterrolebinding', '-l', 'addons.berth.dev/name=metrics-server'),
        '',
      );
      await assert.rejects(
        k('top', 'nodes'),
        /Metrics API not available|metrics\.k8s\.io|NotFound|not found/i,
      );
    });
  },
);
