/**
 * Ingress throughput against a plain LoadBalancer Service, in one run on one cluster: 3 real
 * nodes, the ingress addon (3 Traefik pods, PROXY v2 from an ACTIVE_STANDBY load balancer) and 3
 * pods of a small HTTP server. The same pods are reached two ways from the host:
 *   ingress: floating IP → amphora (TCP, PROXY v2) → Traefik (ETP Local) → pod;
 *   plain:   floating IP → amphora (TCP) → kube-proxy (nodePort) → pod.
 * Then the addon is switched to `tls=loadbalancer` on the same load balancer, and its HTTP and
 * HTTPS listeners are measured the same way. Load: autocannon in its own process, fixed
 * connections and duration, keep-alive; the paths alternate run by run so a slow phase of the
 * machine hits them all. Figures only, nothing asserted.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import {
  api,
  clusterPath,
  POLL_MS,
  until,
  untilReadyWorkers,
  withBerth,
  type LocalBerth,
} from './local-berth.js';
import { runLoad, type LoadResult } from './load.js';
import type { Table } from './report.js';
import { median, round } from './stats.js';

const CLUSTER = 'ingress';
const NODES = 3;
const RUNS = Number(process.env.BERTH_BENCH_INGRESS_RUNS ?? 5);
const SECONDS = 10;
const CONNECTIONS = 32;
const HOST = 'echo.bench.test';
/**
 * The app: Traefik's own binary (already in the platform registry) answering `GET /ping` with
 * `OK` — a Go server with keep-alive, so the app is not what limits the figures (busybox httpd
 * forks a process per connection and closes it).
 */
const APP_ARGS = [
  '--global.checkNewVersion=false',
  '--global.sendAnonymousUsage=false',
  '--log.level=ERROR',
  '--entryPoints.web.address=:8080/tcp',
  '--ping=true',
  '--ping.entryPoint=web',
];

interface Clients {
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  networking: k8s.NetworkingV1Api;
}

async function clientsOf(b: LocalBerth): Promise<Clients> {
  const config = new k8s.KubeConfig();
  config.loadFromString((await b.request('GET', `${clusterPath(CLUSTER)}/kubeconfig`)).text);
  return {
    core: config.makeApiClient(k8s.CoreV1Api),
    apps: config.makeApiClient(k8s.AppsV1Api),
    networking: config.makeApiClient(k8s.NetworkingV1Api),
  };
}

/** 3 app pods spread over the nodes; a ClusterIP Service for the Ingress, a LoadBalancer one. */
async function deployApp(kube: Clients, image: string): Promise<void> {
  const labels = { app: 'echo' };
  await kube.apps.createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'echo' },
      spec: {
        replicas: NODES,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'DoNotSchedule',
                labelSelector: { matchLabels: labels },
              },
            ],
            containers: [
              {
                name: 'echo',
                image,
                args: APP_ARGS,
                ports: [{ containerPort: 8080 }],
                readinessProbe: { httpGet: { path: '/ping', port: 8080 }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    },
  });
  const service = (name: string, type: string) => ({
    metadata: { name },
    spec: { type, selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
  });
  await kube.core.createNamespacedService({
    namespace: 'default',
    body: service('echo', 'ClusterIP'),
  });
  await kube.core.createNamespacedService({
    namespace: 'default',
    body: service('echo-lb', 'LoadBalancer'),
  });
  await kube.networking.createNamespacedIngress({
    namespace: 'default',
    body: {
      metadata: { name: 'echo' },
      spec: {
        rules: [
          {
            host: HOST,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'echo', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    },
  });
}

async function addressOf(kube: Clients, namespace: string, name: string): Promise<string> {
  return until(
    `${namespace}/${name} load balancer address`,
    async () => {
      const svc = await kube.core.readNamespacedService({ name, namespace });
      return svc.status?.loadBalancer?.ingress?.[0]?.ip;
    },
    { timeoutMs: 180_000, intervalMs: 1000 },
  );
}

/** Until `GET /ping` at `url` (with `Host: HOST`) answers 200; any certificate is taken. */
async function answering(url: string): Promise<void> {
  const get = url.startsWith('https:') ? https.get : http.get;
  await until(
    `${url} (Host ${HOST}) answers`,
    () =>
      new Promise<true | undefined>((resolve) => {
        const options = { headers: { Host: HOST }, timeout: 2000, rejectUnauthorized: false };
        const req = get(url, options, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200 ? true : undefined));
        });
        req.on('timeout', () => req.destroy());
        req.on('error', () => resolve(undefined));
      }),
    { timeoutMs: 120_000, intervalMs: 500 },
  );
}

/** Installs or changes the ingress addon with `config`; returns when its operation succeeded. */
async function setIngress(b: LocalBerth, config: Record<string, string>): Promise<void> {
  const { operation } = await api(b, 'POST', `${clusterPath(CLUSTER)}/addons`, {
    name: 'ingress',
    config: { replicas: String(NODES), ...config },
  });
  const done = await until(
    'ingress installed',
    async () => {
      const op = await api(b, 'GET', `/v1/operations/${operation.id as string}`);
      return op.phase === 'Succeeded' || op.phase === 'Failed' ? op : undefined;
    },
    { timeoutMs: 600_000, intervalMs: POLL_MS },
  );
  if (done.phase !== 'Succeeded') throw new Error(`ingress install: ${done.message as string}`);
}

/** A self-signed certificate for HOST as the `kubernetes.io/tls` Secret `echo-tls`. */
async function lbSecret(b: LocalBerth, kube: Clients): Promise<string> {
  const dir = fs.mkdtempSync(path.join(b.env.dataDir, 'tls-'));
  const [crt, key] = [path.join(dir, 'tls.crt'), path.join(dir, 'tls.key')];
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-days', '1', '-subj', `/CN=${HOST}`, '-addext', `subjectAltName=DNS:${HOST}`],
      ...['-keyout', key, '-out', crt],
    ],
    { stdio: 'ignore' },
  );
  const data = (file: string) => fs.readFileSync(file).toString('base64');
  await kube.core.createNamespacedSecret({
    namespace: 'berth-ingress',
    body: {
      metadata: { name: 'echo-tls' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': data(crt), 'tls.key': data(key) },
    },
  });
  return 'echo-tls';
}

type PathName = 'ingress' | 'lbHttp' | 'lbHttps' | 'plain';
interface PathRuns {
  runs: LoadResult[];
  /** Per round: this path's figure ÷ the plain LoadBalancer's in the same round. */
  rpsRatios: number[];
  p99Ratios: number[];
}
type Paths = Record<PathName, PathRuns>;

/**
 * RUNS rounds over `urls` (plain last), one run of each per round, in order; each run's ratio to
 * the plain run of its round, so a change in the machine's load between rounds cancels out.
 */
async function rounds(urls: Partial<Record<PathName, string>>, paths: Paths): Promise<void> {
  const load = (url: string, seconds: number) => runLoad(url, { Host: HOST }, CONNECTIONS, seconds);
  // Warm-up: connections, Traefik's routing tables, conntrack entries.
  for (const url of Object.values(urls)) await load(url, 3);
  for (let i = 0; i < RUNS; i++) {
    const round: [PathName, LoadResult][] = [];
    for (const [name, url] of Object.entries(urls))
      round.push([name as PathName, await load(url, SECONDS)]);
    const plain = round.find(([name]) => name === 'plain')![1];
    for (const [name, result] of round) {
      paths[name].runs.push(result);
      paths[name].rpsRatios.push(result.requestsPerSecond / plain.requestsPerSecond);
      paths[name].p99Ratios.push(result.p99Ms / plain.p99Ms);
    }
  }
}

async function measure(b: LocalBerth): Promise<Paths> {
  await api(b, 'POST', '/v1/projects/default/clusters', {
    metadata: { name: CLUSTER },
    spec: { nodeGroups: [{ name: 'default', count: NODES }] },
  });
  await untilReadyWorkers(b, CLUSTER, NODES);
  await setIngress(b, {});
  const kube = await clientsOf(b);
  // The app runs the image the addon runs, from the platform registry.
  const traefik = await kube.apps.readNamespacedDeployment({
    name: 'traefik',
    namespace: 'berth-ingress',
  });
  const image = traefik.spec?.template.spec?.containers[0]?.image;
  if (image === undefined) throw new Error('the traefik Deployment names no image');
  await deployApp(kube, image);
  const ingress = await addressOf(kube, 'berth-ingress', 'traefik');
  const plain = `http://${await addressOf(kube, 'default', 'echo-lb')}/ping`;
  const empty = (): PathRuns => ({ runs: [], rpsRatios: [], p99Ratios: [] });
  const paths: Paths = { ingress: empty(), lbHttp: empty(), lbHttps: empty(), plain: empty() };
  await answering(`http://${ingress}/ping`);
  await answering(plain);
  await rounds({ ingress: `http://${ingress}/ping`, plain }, paths);
  // The alternative scheme on the same load balancer: TLS at the amphorae, HTTP pools.
  await setIngress(b, { tls: 'loadbalancer', tlsSecret: await lbSecret(b, kube) });
  await answering(`https://${ingress}/ping`);
  await answering(`http://${ingress}/ping`);
  await rounds(
    { lbHttp: `http://${ingress}/ping`, lbHttps: `https://${ingress}/ping`, plain },
    paths,
  );
  return paths;
}

export async function benchIngress(): Promise<Table> {
  let paths: Paths | undefined;
  const leaks = await withBerth(async (b) => {
    paths = await measure(b);
  });
  const row = (name: string, path: PathRuns) => {
    const of = (figure: (r: LoadResult) => number) => median(path.runs.map(figure));
    return [
      name,
      round(
        of((r) => r.requestsPerSecond),
        0,
      ),
      path.runs.map((r) => round(r.requestsPerSecond, 0)).join(' / '),
      round(
        of((r) => r.p50Ms),
        1,
      ),
      round(
        of((r) => r.p99Ms),
        1,
      ),
      round(median(path.rpsRatios), 2),
      round(median(path.p99Ratios), 2),
      path.runs.reduce((n, r) => n + r.errors + r.non2xx, 0),
    ];
  };
  return {
    title: 'Ingress throughput against a plain LoadBalancer (local provider, 3 real nodes)',
    method: `One \`berth server --provider local\` (SQLite) on a 2-core machine that also runs the load generator, the control plane and all ${NODES} nodes. A cluster of 1 master and ${NODES} real workers; the ingress addon with ${NODES} Traefik pods (ACTIVE_STANDBY load balancer, \`externalTrafficPolicy: Local\`); an app of ${NODES} pods (Traefik's binary answering \`GET /ping\`, one per node). **ingress**: floating IP → amphora (TCP, PROXY v2) → Traefik → pod (Ingress host \`${HOST}\`); **plain**: a \`LoadBalancer\` Service to the same pods, floating IP → amphora (TCP) → kube-proxy → pod; then the addon switched to \`tls=loadbalancer\` (same load balancer and floating IP): **tls=loadbalancer http** (port 80, HTTP listener) and **https** (port 443, TLS ended at the amphora, self-signed P-256 certificate). autocannon from the host, ${CONNECTIONS} keep-alive connections (TLS handshakes only at connect), ${SECONDS} s per run after a 3 s warm-up per path; ${RUNS} rounds per scheme, each round one run of every path in turn (plain in both schemes, ${2 * RUNS} runs), each ratio is taken against the plain run of the same round (so a change in the machine's load between rounds cancels out), and the table gives medians of runs and of ratios. Leak check afterwards: ${leaks}.`,
    columns: [
      'path',
      'req/s (median)',
      'req/s per run',
      'p50 (ms)',
      'p99 (ms)',
      'req/s ÷ plain (same round)',
      'p99 ÷ plain (same round)',
      'errors + non-2xx',
    ],
    rows: paths
      ? [
          row('ingress (PROXY v2, TLS at Traefik)', paths.ingress),
          row('ingress tls=loadbalancer, http :80', paths.lbHttp),
          row('ingress tls=loadbalancer, https :443', paths.lbHttps),
          row('plain LoadBalancer', paths.plain),
        ]
      : [],
  };
}
