/**
 * End to end: the monitoring addon on a real local cluster of one master and two real nodes,
 * driven as a user would — the CLI (`berth addon …`) and kubectl. It proves: `berth addon install
 * <c> monitoring --version 0.85.0-berth.1 --wait` ends Installed (the operator, kube-state-metrics, node-exporter on every
 * node and the operator's Prometheus StatefulSet available); Prometheus answers queries through
 * the kube-apiserver's service proxy at the contract's path
 * (`/api/v1/namespaces/berth-monitoring/services/prometheus:web/proxy/api/v1/query`), counting the
 * cluster's nodes and finding the API server, kubelets, CoreDNS, node-exporter and
 * kube-state-metrics up; a user's own ServiceMonitor in its own namespace is scraped; with the
 * upgrade to 0.85.0-berth.2 replaces Prometheus v3.15.1 with v3.16.0 and it answers again; with the
 * ingress addon installed, Traefik's pods are scraped through the PodMonitor; Berth's own API
 * (`GET …/monitoring/query`, `query_range`) and `berth monitoring query` answer a viewer with the
 * same data (the console's dashboards ask these); removal
 * deletes every object the addon and its operator made (the CRDs stay, by design).
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
  nodes,
  skip as e2eSkip,
  startBerth,
  tearDownBerth,
  type Berth,
  type E2eEnv,
  type Json,
} from './testing/e2e.js';

const BINARIES = [
  'prometheus-operator',
  'prometheus-config-reloader',
  'prometheus',
  'prometheus-v3.15.1',
  'kube-state-metrics',
  'node_exporter',
];
const installed = await binariesInstalled(BINARIES);
const skip =
  e2eSkip ||
  skipUnless({
    'the monitoring binaries (berth components install default --only monitoring)': installed,
  });

const QUERY = '/api/v1/namespaces/berth-monitoring/services/prometheus:web/proxy/api/v1/query';

/**
 * A static metrics page served by busybox httpd: what the user's ServiceMonitor scrapes. `.txt`,
 * so httpd says `text/plain` (Prometheus 3 refuses a scrape whose Content-Type it does not know
 * unless the monitor names a fallback protocol, which the ServiceMonitor does as well).
 */
const APP = String.raw`mkdir -p /www && printf '# TYPE berth_e2e_answer gauge\nberth_e2e_answer 42\n' > /www/metrics.txt && exec httpd -f -p 8080 -h /www`;

describe(
  'the monitoring addon on a local cluster of real nodes',
  { skip, concurrency: false },
  () => {
    let env: E2eEnv;
    let b: Berth;
    let kubeconfig: string;
    const k = (...args: string[]) => kubectl(kubeconfig, ...args);
    const addons = async (): Promise<Json[]> =>
      JSON.parse(await b.berth('addon', 'list', 'mon', '-o', 'json')).items as Json[];
    /** An instant query through the API server's service proxy: the result vector. */
    const query = async (promql: string): Promise<Json[]> => {
      const raw = await k('get', '--raw', `${QUERY}?query=${encodeURIComponent(promql)}`);
      const answer = JSON.parse(raw) as Json;
      assert.equal(answer.status, 'success', raw);
      return answer.data.result as Json[];
    };
    const value = (r: Json | undefined) => (r === undefined ? undefined : Number(r.value[1]));
    /** The first sample of `promql` once Prometheus has one (waiting for scrapes to come in). */
    const firstValue = (what: string, promql: string, timeoutMs = 120_000) =>
      until(what, async () => value((await query(promql))[0]), { timeoutMs, intervalMs: 2000 });
    /** The running Prometheus's own version, from its build-info API through the same proxy. */
    const prometheusVersion = async (): Promise<string> =>
      JSON.parse(await k('get', '--raw', QUERY.replace(/query$/, 'status/buildinfo'))).data
        .version as string;

    before(async () => {
      ({ env, b } = await startBerth());
      kubeconfig = path.join(env.dataDir, 'mon.kubeconfig');
    });

    after(() => tearDownBerth(env, b));

    test('berth addon install monitoring --wait: operator, Prometheus, kube-state-metrics, node-exporter', async () => {
      await createClusterWithReadyNodes(b, 'mon', 2, kubeconfig);
      const started = Date.now();
      // The older catalog version (Prometheus v3.15.1), so that the upgrade below is a real one.
      await b.berth(
        'addon',
        'install',
        'mon',
        'monitoring',
        '--version',
        '0.85.0-berth.1',
        '--wait',
        '--timeout',
        '5m',
      );
      const took = (Date.now() - started) / 1000;
      process.stdout.write(`# monitoring addon: request → Installed in ${took.toFixed(1)} s\n`);
      const [monitoring] = await addons();
      assert.equal(monitoring.status.phase, 'Installed', JSON.stringify(monitoring));
      assert.equal(monitoring.status.version, '0.85.0-berth.1');
      assert.equal(await prometheusVersion(), '3.15.1');
      const sts = JSON.parse(
        await k('-n', 'berth-monitoring', 'get', 'statefulset', 'prometheus-berth', '-o', 'json'),
      );
      assert.equal(sts.status.readyReplicas, 1, 'Installed waited for the operator’s StatefulSet');
      const ds = JSON.parse(
        await k('-n', 'berth-monitoring', 'get', 'ds', 'node-exporter', '-o', 'json'),
      );
      assert.equal(ds.status.numberAvailable, 2);
    });

    test('Prometheus through the API server proxy: node count, and every cluster target up', async () => {
      const nodeCount = (await nodes(kubeconfig)).length;
      const count = await firstValue(
        'count(kube_node_info) from kube-state-metrics',
        'count(kube_node_info)',
      );
      assert.equal(count, nodeCount);
      // Targets Prometheus must have found, all up: the kubelets twice (/metrics and cAdvisor).
      const coredns = JSON.parse(
        await k('-n', 'kube-system', 'get', 'deploy', 'coredns', '-o', 'json'),
      );
      const targets: Record<string, number> = {
        apiserver: 1,
        kubelet: 2 * nodeCount,
        coredns: coredns.spec.replicas as number,
        'node-exporter': nodeCount,
        'kube-state-metrics': 1,
      };
      for (const [job, wanted] of Object.entries(targets)) {
        const up = await until(
          `${wanted} targets of up{job="${job}"}, all 1`,
          async () => {
            const r = await query(`up{job="${job}"}`);
            return r.length >= wanted && r.every((s) => value(s) === 1) ? r : undefined;
          },
          { timeoutMs: 120_000, intervalMs: 2000 },
        );
        process.stdout.write(`# up{job="${job}"}: ${up.length} targets up\n`);
      }
      const cadvisor = await query('count(container_cpu_usage_seconds_total)');
      assert.ok((value(cadvisor[0]) ?? 0) > 0, 'cAdvisor metrics from the kubelets');
    });

    test("Berth's API and CLI query the cluster's Prometheus with a viewer's rights", async () => {
      const nodeCount = (await nodes(kubeconfig)).length;
      const base = '/v1/projects/default/clusters/mon/monitoring';
      const viewer = (
        await b.api('POST', '/v1/projects/default/tokens', { name: 'dash', role: 'viewer' })
      ).secret as string;
      const asViewer = async (url: string) => {
        const res = await b.request('GET', url, { token: viewer });
        return { status: res.status, body: JSON.parse(res.text) as Json };
      };
      const instant = await asViewer(
        `${base}/query?query=${encodeURIComponent('count(kube_node_info)')}`,
      );
      assert.equal(instant.status, 200, JSON.stringify(instant.body));
      assert.equal(instant.body.resultType, 'vector');
      assert.equal(Number(instant.body.result[0].value[1]), nodeCount);
      const end = Math.floor(Date.now() / 1000);
      const range = await asViewer(
        `${base}/query_range?query=${encodeURIComponent('sum(up)')}&start=${end - 300}&end=${end}&step=30`,
      );
      assert.equal(range.status, 200, JSON.stringify(range.body));
      assert.equal(range.body.resultType, 'matrix');
      assert.ok((range.body.result[0]?.values?.length ?? 0) > 0, JSON.stringify(range.body));
      const bad = await asViewer(`${base}/query?query=${encodeURIComponent('sum(')}`);
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.equal(bad.body.code, 'BERTH_ERR_VALIDATION');
      assert.equal(bad.body.field, 'query');
      assert.equal((await b.request('GET', `${base}/query?query=up`, { token: '' })).status, 401);
      // The console's dashboards ask these; each must answer with data from this cluster.
      for (const promql of [
        '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m])))',
        'sum by (namespace) (kube_pod_status_phase{phase="Running"})',
        'sum by (verb) (rate(apiserver_request_total[5m]))',
      ]) {
        const r = await until(
          `data for ${promql}`,
          async () => {
            const a = await asViewer(`${base}/query?query=${encodeURIComponent(promql)}`);
            return a.status === 200 && (a.body.result as Json[]).length > 0 ? a.body : undefined;
          },
          { timeoutMs: 180_000, intervalMs: 5000 },
        );
        process.stdout.write(`# ${promql}: ${(r.result as Json[]).length} series\n`);
      }
      const cli = JSON.parse(
        await b.berth('monitoring', 'query', 'mon', 'count(kube_node_info)', '-o', 'json'),
      ) as Json;
      assert.equal(Number(cli.result[0].value[1]), nodeCount, JSON.stringify(cli));
    });

    test("a user's own ServiceMonitor in its own namespace is scraped", async () => {
      const registry = (await b.api('GET', '/v1/registry')).endpoint as string;
      const labels = { app: 'answer' };
      const items = [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'answer', namespace: 'team' },
          spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: {
                containers: [
                  {
                    name: 'http',
                    image: `${registry}/berth/toolbox:latest`,
                    command: ['sh', '-c', APP],
                    ports: [{ name: 'metrics', containerPort: 8080 }],
                  },
                ],
              },
            },
          },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'answer', namespace: 'team', labels },
          spec: {
            selector: labels,
            ports: [{ name: 'metrics', port: 8080, targetPort: 'metrics' }],
          },
        },
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'ServiceMonitor',
          metadata: { name: 'answer', namespace: 'team' },
          spec: {
            selector: { matchLabels: labels },
            fallbackScrapeProtocol: 'PrometheusText0.0.4',
            endpoints: [{ port: 'metrics', path: '/metrics.txt', interval: '5s' }],
          },
        },
      ];
      const file = path.join(env.dataDir, 'answer.json');
      fs.writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
      await k('apply', '-f', file);
      await k('-n', 'team', 'rollout', 'status', 'deployment/answer', '--timeout=120s');
      const answer = await firstValue(
        'berth_e2e_answer scraped from the user’s ServiceMonitor',
        'berth_e2e_answer{namespace="team"}',
        150_000,
      );
      assert.equal(answer, 42);
    });

    test('upgrade to 0.85.0-berth.2: Prometheus v3.16.0 rolls out and answers again', async () => {
      const started = Date.now();
      await b.berth(
        'addon',
        'install',
        'mon',
        'monitoring',
        '--version',
        '0.85.0-berth.2',
        '--wait',
        '--timeout',
        '5m',
      );
      process.stdout.write(
        `# monitoring upgrade 0.85.0-berth.1 → berth.2: Installed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
      const [monitoring] = await addons();
      assert.equal(monitoring.status.phase, 'Installed', JSON.stringify(monitoring));
      assert.equal(monitoring.status.version, '0.85.0-berth.2');
      // Installed waited for the new pod: the Prometheus answering is already v3.16.0.
      assert.equal(await prometheusVersion(), '3.16.0');
      const sts = JSON.parse(
        await k('-n', 'berth-monitoring', 'get', 'statefulset', 'prometheus-berth', '-o', 'json'),
      );
      const images = (sts.spec.template.spec.containers as Json[]).map((c) => c.image as string);
      assert.ok(
        images.some((i) => i.endsWith('/berth/prometheus:v3.16.0')),
        images.join(', '),
      );
      const nodeCount = (await nodes(kubeconfig)).length;
      const count = await firstValue(
        'count(kube_node_info) from the upgraded Prometheus',
        'count(kube_node_info)',
      );
      assert.equal(count, nodeCount);
      const answer = await firstValue(
        'the user’s ServiceMonitor scraped by the upgraded Prometheus',
        'berth_e2e_answer{namespace="team"}',
      );
      assert.equal(answer, 42);
    });

    test('with the ingress addon installed, Traefik is scraped through its PodMonitor', async () => {
      await b.berth('addon', 'install', 'mon', 'ingress', '--set', 'internal=true', '--wait');
      const up = await until(
        '2 targets of up{job="traefik"}, all 1',
        async () => {
          const r = await query('up{job="traefik"}');
          return r.length >= 2 && r.every((s) => value(s) === 1) ? r : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 2000 },
      );
      process.stdout.write(`# up{job="traefik"}: ${up.length} targets up\n`);
      await b.berth('addon', 'remove', 'mon', 'ingress', '--wait', '--timeout', '5m');
    });

    test('berth addon remove: every object of the addon and of its operator is gone; CRDs stay', async () => {
      const started = Date.now();
      await b.berth('addon', 'remove', 'mon', 'monitoring', '--wait', '--timeout', '5m');
      process.stdout.write(
        `# monitoring addon: removed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
      assert.deepEqual(await addons(), []);
      const left = async (...what: string[]) =>
        (await k('get', ...what, '--ignore-not-found', '-o', 'name')).trim();
      assert.equal(await left('namespace', 'berth-monitoring'), '');
      assert.equal(await left('service', '-n', 'kube-system', 'kubelet'), '');
      assert.equal(
        await left('clusterrole,clusterrolebinding', '-l', 'addons.berth.dev/name=monitoring'),
        '',
      );
      assert.equal(
        await left('servicemonitors,podmonitors,prometheuses', '-A', '-l', 'addons.berth.dev/name'),
        '',
      );
      assert.notEqual(await left('crd', 'servicemonitors.monitoring.coreos.com'), '');
      assert.notEqual(
        await left('servicemonitor', '-n', 'team', 'answer'),
        '',
        "the user's own ServiceMonitor is the user's",
      );
    });
  },
);
