/**
 * End to end: the ingress addon (Traefik) on a real local cluster of one master and two real
 * nodes, driven as a user would — the CLI (`berth addon …`), kubectl, and plain HTTP(S) from
 * the host to the floating IP. It proves the seeds' scheme: an Ingress with two hosts routes to
 * two Services through the ingress load balancer (ACTIVE_STANDBY, PROXY v2 to Traefik), the
 * backend pod sees and logs the host's real address, TLS from a `kubernetes.io/tls` Secret
 * terminates at the ingress; a setting that leaves the pods unschedulable ends Failed with the
 * scheduler's reason; removal deletes every object and the load balancer; the leak checker
 * finds nothing after the cluster is deleted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { cacheDirFromEnv, createComponentStore, defaultComponentsDir } from '@berth/components';
import { ProcessRunner } from '@berth/exec';
import { createCertificateAuthority, issueCertificate } from '@berth/kube-bootstrap';
import { skipUnless, until } from '@berth/test-kit';
import {
  isReady,
  kubectl,
  nodes,
  skip as e2eSkip,
  startBerth,
  tearDownBerth,
  type Berth,
  type E2eEnv,
  type Json,
} from './testing/e2e.js';

const components = createComponentStore({
  cacheDir: cacheDirFromEnv(process.env),
  componentsDir: defaultComponentsDir(),
  runner: new ProcessRunner(),
});
const hasTraefik = await components.path('traefik', 'default').then(
  () => true,
  () => false,
);
const skip =
  e2eSkip || skipUnless({ 'traefik (berth components install default --only addons)': hasTraefik });

/** Failed comes this long after the pods stopped progressing (BERTH_ADDON_READY_TIMEOUT_SECONDS). */
const READY_TIMEOUT_S = 60;

/**
 * A backend that answers each HTTP request with its pod, app and the client headers it got
 * (Host, X-Real-Ip, X-Forwarded-For), and logs the same line (to PID 1's stdout: the pod log).
 * The response has no length and closes the connection (HTTP/1.1 allows it).
 */
const BACKEND = String.raw`cat > /tmp/answer.sh <<'END'
xff=""; real=""; host=""
while read -r line; do
  line=$(echo "$line" | tr -d '\r')
  [ -z "$line" ] && break
  value=$(echo "$line" | cut -d' ' -f2-)
  case "$line" in
    [Xx]-[Ff]orwarded-[Ff]or:*) xff=$value ;;
    [Xx]-[Rr]eal-[Ii][Pp]:*) real=$value ;;
    [Hh]ost:*) host=$value ;;
  esac
done
body="pod=$HOSTNAME app=$APP host=$host x-real-ip=$real x-forwarded-for=$xff"
echo "$body" > /proc/1/fd/1
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n%s\n' "$body"
END
exec nc -ll -p 8080 -e sh /tmp/answer.sh`;

describe('the ingress addon on a local cluster of real nodes', { skip, concurrency: false }, () => {
  let env: E2eEnv;
  let b: Berth;
  let kubeconfig: string;
  let address: string;
  let traefikServiceUid: string;
  let caPem: string;
  const k = (...args: string[]) => kubectl(kubeconfig, ...args);
  const addons = async (): Promise<Json[]> =>
    JSON.parse(await b.berth('addon', 'list', 'ing', '-o', 'json')).items as Json[];

  before(async () => {
    process.env.BERTH_ADDON_READY_TIMEOUT_SECONDS = String(READY_TIMEOUT_S);
    ({ env, b } = await startBerth());
    kubeconfig = path.join(env.dataDir, 'ing.kubeconfig');
  });

  after(() => tearDownBerth(env, b));

  test('berth addon install ingress --wait: Traefik available, default IngressClass, PROXY v2 load balancer', async () => {
    await b.berth('cluster', 'create', 'ing', '--nodegroup', 'default:count=2', '--wait');
    await b.berth('cluster', 'kubeconfig', 'ing', '--output-file', kubeconfig);
    await until(
      '2 Ready nodes',
      async () => {
        const all = await nodes(kubeconfig);
        return all.length === 2 && all.every(isReady) ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const started = Date.now();
    await b.berth('addon', 'install', 'ing', 'ingress', '--wait', '--timeout', '5m');
    const took = (Date.now() - started) / 1000;
    process.stdout.write(`# ingress addon: request → Installed in ${took.toFixed(1)} s\n`);
    const [ingress] = await addons();
    assert.equal(ingress.status.phase, 'Installed', JSON.stringify(ingress));
    assert.equal(ingress.status.version, '3.6');
    const cluster = await b.api('GET', '/v1/projects/default/clusters/ing');
    const ready = cluster.status.conditions.find((c: Json) => c.type === 'AddonsReady');
    assert.equal(ready?.status, 'True', JSON.stringify(ready));

    const deployment = JSON.parse(
      await k(
        '-n',
        'berth-ingress',
        'get',
        'deploy',
        'traefik',
        '-o',
        'json',
        '--show-managed-fields',
      ),
    );
    assert.equal(deployment.status.availableReplicas, 2);
    const managers = (deployment.metadata.managedFields as Json[]).map((f) => f.manager);
    assert.ok(managers.includes('berth-addons'), managers.join(', '));
    const klass = JSON.parse(await k('get', 'ingressclass', 'berth', '-o', 'json'));
    assert.equal(klass.metadata.annotations['ingressclass.kubernetes.io/is-default-class'], 'true');

    address = await until(
      'ingress load balancer address',
      async () => {
        const svc = JSON.parse(
          await k('-n', 'berth-ingress', 'get', 'svc', 'traefik', '-o', 'json'),
        );
        traefikServiceUid = svc.metadata.uid as string;
        return svc.status.loadBalancer?.ingress?.[0]?.ip as string | undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    const lbs = (await b.api('GET', '/v1/projects/default/loadbalancers?cluster=ing'))
      .items as Json[];
    const lb = lbs.find((l) => l.attributes.tags['berth.dev/service'] === traefikServiceUid);
    assert.equal(lb?.attributes.topology, 'ACTIVE_STANDBY');
    const pools = records(b, 'Pool').filter((p) => p.loadBalancerId === lb.id);
    assert.deepEqual(
      pools.map((p) => p.protocol),
      ['PROXYV2', 'PROXYV2'],
    );
  });

  test('an Ingress with two hosts routes to two Services; the pod sees and logs the client address', async () => {
    const registry = (await b.api('GET', '/v1/registry')).endpoint as string;
    const backend = (app: string) => [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: app },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app } },
          template: {
            metadata: { labels: { app } },
            spec: {
              containers: [
                {
                  name: 'http',
                  image: `${registry}/berth/toolbox:latest`,
                  command: ['sh', '-c', BACKEND],
                  env: [{ name: 'APP', value: app }],
                  ports: [{ containerPort: 8080 }],
                },
              ],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: app },
        spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    ];
    const ca = await createCertificateAuthority({ commonName: 'e2e-ingress-ca' });
    caPem = ca.certPem;
    const cert = await issueCertificate({
      ca,
      commonName: 'b.example.test',
      usage: 'server',
      dnsNames: ['b.example.test'],
    });
    const certFile = path.join(env.dataDir, 'b.crt');
    const keyFile = path.join(env.dataDir, 'b.key');
    fs.writeFileSync(certFile, cert.certPem);
    fs.writeFileSync(keyFile, cert.keyPem, { mode: 0o600 });
    await k('create', 'secret', 'tls', 'b-tls', `--cert=${certFile}`, `--key=${keyFile}`);
    const rule = (host: string, service: string) => ({
      host,
      http: {
        paths: [
          {
            path: '/',
            pathType: 'Prefix',
            backend: { service: { name: service, port: { number: 80 } } },
          },
        ],
      },
    });
    const ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'hosts' },
      spec: {
        tls: [{ hosts: ['b.example.test'], secretName: 'b-tls' }],
        rules: [rule('a.example.test', 'alpha'), rule('b.example.test', 'beta')],
      },
    };
    const file = path.join(env.dataDir, 'backends.json');
    const items = [...backend('alpha'), ...backend('beta'), ingress];
    fs.writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    await k('apply', '-f', file);
    await k('rollout', 'status', 'deployment/alpha', '--timeout=120s');
    await k('rollout', 'status', 'deployment/beta', '--timeout=120s');
    const applied = JSON.parse(await k('get', 'ingress', 'hosts', '-o', 'json'));
    assert.equal(applied.spec.ingressClassName, 'berth', 'the default IngressClass was given');

    const client = escape(env.ext(1));
    for (const [host, app] of [
      ['a.example.test', 'alpha'],
      ['b.example.test', 'beta'],
    ] as const) {
      const body = await until(
        `http://${host}/ answered by ${app}`,
        async () => {
          const r = await get('http', address, host).catch(() => undefined);
          return r?.status === 200 && r.body.includes(`app=${app}`) ? r.body : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      );
      assert.match(body, new RegExp(`host=${escape(host)} `));
      assert.match(body, new RegExp(`x-real-ip=${client} `), body);
      assert.match(body, new RegExp(`x-forwarded-for=${client}$`, 'm'), body);
    }
    const logs = await k('logs', 'deployment/alpha');
    assert.match(logs, new RegExp(`app=alpha host=a\\.example\\.test x-real-ip=${client} `), logs);
    const unknown = await get('http', address, 'c.example.test');
    assert.equal(unknown.status, 404, 'a host no rule names is not routed');
  });

  test('TLS from the kubernetes.io/tls Secret terminates at the ingress', async () => {
    const r = await until(
      'https://b.example.test/ with the Secret certificate',
      () => get('https', address, 'b.example.test', caPem).catch(() => undefined),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.equal(r.status, 200);
    assert.match(r.body, /app=beta host=b\.example\.test /);
    assert.match(r.body, new RegExp(`x-real-ip=${escape(env.ext(1))} `));
    assert.equal(r.certificateSubject, 'b.example.test');
  });

  test('a CPU request no node can meet ends Failed with the scheduler message; removal cleans up', async () => {
    await assert.rejects(
      b.berth('addon', 'install', 'ing', 'ingress', '--set', 'cpu=64', '--wait', '--timeout', '5m'),
    );
    const [failed] = await addons();
    assert.equal(failed.status.phase, 'Failed', JSON.stringify(failed));
    assert.equal(failed.status.reason, 'Unschedulable');
    assert.match(failed.status.message, /Insufficient cpu/);
    const events = (await b.api('GET', '/v1/projects/default/clusters/ing/events')).items as Json[];
    assert.ok(events.some((e) => e.reason === 'AddonFailed' && e.type === 'Warning'));
    // The old pods keep serving while the new one cannot start (maxUnavailable 0).
    assert.equal((await get('http', address, 'a.example.test')).status, 200);

    await b.berth('addon', 'remove', 'ing', 'ingress', '--wait', '--timeout', '5m');
    assert.deepEqual(await addons(), []);
    const gone = async (...what: string[]) =>
      (await k('get', ...what, '--ignore-not-found', '-o', 'name')).trim();
    assert.equal(await gone('namespace', 'berth-ingress'), '');
    assert.equal(await gone('ingressclass'), '');
    assert.equal(await gone('clusterrole', 'berth:ingress'), '');
    const lbs = (await b.api('GET', '/v1/projects/default/loadbalancers?cluster=ing'))
      .items as Json[];
    assert.ok(
      !lbs.some((l) => l.attributes.tags['berth.dev/service'] === traefikServiceUid),
      'the ingress load balancer is gone',
    );
    const fips = (await b.api('GET', '/v1/projects/default/floatingips?cluster=ing'))
      .items as Json[];
    assert.ok(!fips.some((f) => f.attributes.tags['berth.dev/service'] === traefikServiceUid));
  });
});

const escape = (text: string) => text.replace(/\./g, '\\.');

/** The API objects of a kind in the local provider's inventory. */
function records(b: Berth, kind: string): Json[] {
  const file = path.join(b.providerData, 'inventory.json');
  const all = JSON.parse(fs.readFileSync(file, 'utf8')).records as Json;
  return Object.values(all[kind] ?? {}).map((e: Json) => e.value.obj);
}

interface Answer {
  status: number;
  body: string;
  certificateSubject?: string;
}

/** GET / from the host to `address` for `host` (and its SNI over https, trusting `caPem`). */
function get(
  scheme: 'http' | 'https',
  address: string,
  host: string,
  caPem?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = {
      host: address,
      port: scheme === 'http' ? 80 : 443,
      path: '/',
      headers: { Host: host },
      timeout: 5000,
      ...(scheme === 'https' ? { servername: host, ca: caPem } : {}),
    };
    const request = (scheme === 'http' ? http : https).get(options, (res) => {
      let body = '';
      const socket = res.socket as { getPeerCertificate?: () => { subject?: { CN?: string } } };
      const subject = socket.getPeerCertificate?.().subject?.CN;
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body,
          ...(subject ? { certificateSubject: subject } : {}),
        }),
      );
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}
