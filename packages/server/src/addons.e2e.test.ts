/**
 * End to end: the ingress addon (Traefik) on a real local cluster of one master and two real
 * nodes, driven as a user would — the CLI (`berth addon …`), kubectl, and plain HTTP(S) from
 * the host to the floating IP. It proves the seeds' scheme: an Ingress with two hosts routes to
 * two Services through the ingress load balancer (ACTIVE_STANDBY, PROXY v2 to Traefik), the
 * backend pod sees and logs the host's real address, TLS from a `kubernetes.io/tls` Secret
 * terminates at the ingress; an upgrade from catalog version 3.6.12-berth.1 to berth.2 rolls
 * Traefik while requests keep being answered; the alternative scheme (`tls=loadbalancer`: TLS ends at the load
 * balancer with a Secret's certificate, HTTP pools, the host's address in X-Forwarded-For) serves
 * HTTPS and switching back restores PROXY v2; a setting that leaves the pods unschedulable ends Failed with the
 * scheduler's reason; removal deletes every object and the load balancer; the leak checker
 * finds nothing after the cluster is deleted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { createCertificateAuthority, issueCertificate } from '@berth/kube-bootstrap';
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

const hasTraefik = await binariesInstalled(['traefik']);
const skip =
  e2eSkip || skipUnless({ 'traefik (berth components install default --only addons)': hasTraefik });

/** Failed comes this long after the pods stopped progressing (BERTH_ADDON_READY_TIMEOUT_SECONDS). */
const READY_TIMEOUT_S = 60;

/**
 * A backend that answers each HTTP request with its pod, app and the client headers it got
 * (Host, X-Real-Ip, X-Forwarded-Proto, X-Forwarded-For), and logs the same line (to PID 1's
 * stdout: the pod log).
 * The response has no length and closes the connection (HTTP/1.1 allows it).
 */
const BACKEND = String.raw`cat > /tmp/answer.sh <<'END'
xff=""; real=""; host=""; proto=""
while read -r line; do
  line=$(echo "$line" | tr -d '\r')
  [ -z "$line" ] && break
  value=$(echo "$line" | cut -d' ' -f2-)
  case "$line" in
    [Xx]-[Ff]orwarded-[Ff]or:*) xff=$value ;;
    [Xx]-[Rr]eal-[Ii][Pp]:*) real=$value ;;
    [Xx]-[Ff]orwarded-[Pp]roto:*) proto=$value ;;
    [Hh]ost:*) host=$value ;;
  esac
done
body="pod=$HOSTNAME app=$APP host=$host x-real-ip=$real x-forwarded-proto=$proto x-forwarded-for=$xff"
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
  let ca: Awaited<ReturnType<typeof createCertificateAuthority>>;
  const k = (...args: string[]) => kubectl(kubeconfig, ...args);
  const addons = async (): Promise<Json[]> =>
    JSON.parse(await b.berth('addon', 'list', 'ing', '-o', 'json')).items as Json[];

  before(async () => {
    process.env.BERTH_ADDON_READY_TIMEOUT_SECONDS = String(READY_TIMEOUT_S);
    ({ env, b } = await startBerth());
    kubeconfig = path.join(env.dataDir, 'ing.kubeconfig');
  });

  after(() => tearDownBerth(env, b));

  test('berth addon install ingress --version 3.6.12-berth.1 --wait: Traefik available, default IngressClass, PROXY v2 load balancer', async () => {
    await createClusterWithReadyNodes(b, 'ing', 2, kubeconfig);
    const started = Date.now();
    // The older catalog version, so that the upgrade below is a real one.
    await b.berth(
      'addon',
      'install',
      'ing',
      'ingress',
      '--version',
      '3.6.12-berth.1',
      '--wait',
      '--timeout',
      '5m',
    );
    const took = (Date.now() - started) / 1000;
    process.stdout.write(`# ingress addon: request → Installed in ${took.toFixed(1)} s\n`);
    const [ingress] = await addons();
    assert.equal(ingress.status.phase, 'Installed', JSON.stringify(ingress));
    assert.equal(ingress.status.version, '3.6.12-berth.1');
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
    ca = await createCertificateAuthority({ commonName: 'e2e-ingress-ca' });
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

  test('upgrade to 3.6.12-berth.2 rolls Traefik with drain-on-stop while the Ingress keeps serving', async () => {
    // Requests through the floating IP all along the rollout: each answered or not.
    let stop = false;
    const outcomes = { ok: 0, failed: 0 };
    const load = (async () => {
      while (!stop) {
        const r = await get('http', address, 'a.example.test').catch(() => undefined);
        if (r?.status === 200) outcomes.ok++;
        else outcomes.failed++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const started = Date.now();
    try {
      await b.berth(
        'addon',
        'install',
        'ing',
        'ingress',
        '--version',
        '3.6.12-berth.2',
        '--wait',
        '--timeout',
        '5m',
      );
      await k('-n', 'berth-ingress', 'rollout', 'status', 'deployment/traefik', '--timeout=120s');
    } finally {
      stop = true;
      await load;
    }
    process.stdout.write(
      `# ingress upgrade 3.6.12-berth.1 → berth.2: ${((Date.now() - started) / 1000).toFixed(1)} s; requests answered ${outcomes.ok}, failed ${outcomes.failed}\n`,
    );
    const [ingress] = await addons();
    assert.equal(ingress.status.phase, 'Installed', JSON.stringify(ingress));
    assert.equal(ingress.status.version, '3.6.12-berth.2');
    const deployment = JSON.parse(
      await k('-n', 'berth-ingress', 'get', 'deploy', 'traefik', '-o', 'json'),
    );
    assert.equal(deployment.metadata.labels['addons.berth.dev/version'], '3.6.12-berth.2');
    assert.ok(
      (deployment.spec.template.spec.containers[0].args as string[]).includes(
        '--entryPoints.web.transport.lifeCycle.requestAcceptGraceTimeout=10s',
      ),
    );
    assert.equal(deployment.status.updatedReplicas, 2);
    assert.ok(outcomes.ok > 0, 'requests were answered during the rollout');
    // The ingress kept serving: the same load balancer, the host's address still seen.
    assert.ok(
      outcomes.failed <= Math.ceil((outcomes.ok + outcomes.failed) * 0.05),
      `too many requests failed during the upgrade: ${JSON.stringify(outcomes)}`,
    );
    const after = await get('http', address, 'a.example.test');
    assert.equal(after.status, 200);
    assert.match(after.body, new RegExp(`x-real-ip=${escape(env.ext(1))} `), after.body);
  });

  test('TLS from the kubernetes.io/tls Secret terminates at the ingress', async () => {
    const r = await until(
      'https://b.example.test/ with the Secret certificate',
      () => get('https', address, 'b.example.test', ca.certPem).catch(() => undefined),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.equal(r.status, 200);
    assert.match(r.body, /app=beta host=b\.example\.test /);
    assert.match(r.body, new RegExp(`x-real-ip=${escape(env.ext(1))} `));
    assert.equal(r.certificateSubject, 'b.example.test');
  });

  test('tls=loadbalancer: HTTPS ends at the load balancer with its certificate, the backend gets the host address in X-Forwarded-For', async () => {
    await assert.rejects(
      b.api('POST', '/v1/projects/default/clusters/ing/addons', {
        name: 'ingress',
        config: { tls: 'loadbalancer' },
      }),
      /400 .*config\.tlsSecret/,
    );
    const cert = await issueCertificate({
      ca,
      commonName: 'ingress-lb.example.test',
      usage: 'server',
      dnsNames: ['a.example.test', 'b.example.test'],
    });
    const certFile = path.join(env.dataDir, 'lb.crt');
    const keyFile = path.join(env.dataDir, 'lb.key');
    fs.writeFileSync(certFile, cert.certPem);
    fs.writeFileSync(keyFile, cert.keyPem, { mode: 0o600 });
    await k(
      '-n',
      'berth-ingress',
      'create',
      'secret',
      'tls',
      'lb-tls',
      `--cert=${certFile}`,
      `--key=${keyFile}`,
    );
    const started = Date.now();
    await b.berth(
      'addon',
      'install',
      'ing',
      'ingress',
      '--set',
      'tls=loadbalancer',
      '--set',
      'tlsSecret=lb-tls',
      '--wait',
      '--timeout',
      '5m',
    );
    await until(
      'HTTP pools behind TERMINATED_HTTPS and HTTP listeners',
      async () => {
        const scheme = await ingressScheme(b, traefikServiceUid);
        return scheme === '443 TERMINATED_HTTPS/HTTP, 80 HTTP/HTTP' ? scheme : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const client = escape(env.ext(1));
    const r = await until(
      'https://a.example.test/ with the load balancer certificate',
      async () => {
        const a = await get('https', address, 'a.example.test', ca.certPem).catch(() => undefined);
        return a?.status === 200 && a.body.includes('app=alpha') ? a : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    process.stdout.write(
      `# tls=loadbalancer: switched in ${((Date.now() - started) / 1000).toFixed(1)} s; backend saw: ${r.body.trim()}\n`,
    );
    assert.equal(r.certificateSubject, 'ingress-lb.example.test', 'the certificate of lb-tls');
    assert.match(r.body, new RegExp(`x-forwarded-for=${client}(,|$)`, 'm'), r.body);
    assert.match(r.body, / x-forwarded-proto=https /, 'set by the amphora that ended TLS');
    const plain = await get('http', address, 'a.example.test');
    assert.equal(plain.status, 200);
    assert.match(plain.body, new RegExp(`x-forwarded-for=${client}(,|$)`, 'm'), plain.body);
    assert.match(plain.body, / x-forwarded-proto=http /, plain.body);
    const logs = await k('logs', 'deployment/alpha');
    assert.match(logs, new RegExp(`x-forwarded-for=${client}(,|$)`, 'm'), logs);

    // From a pod (not the cluster's subnet) Traefik does not believe X-Forwarded-For.
    const ready = await k(
      '-n',
      'berth-ingress',
      'get',
      'endpointslices',
      '-l',
      'kubernetes.io/service-name=traefik',
      '-o',
      'jsonpath={.items[*].endpoints[?(@.conditions.ready==true)].addresses[0]}',
    );
    const traefikIp = ready.trim().split(/\s+/)[0];
    const request = String.raw`GET / HTTP/1.1\r\nHost: a.example.test\r\nX-Forwarded-For: 203.0.113.9\r\nConnection: close\r\n\r\n`;
    const fromPod = await k(
      'exec',
      'deployment/beta',
      '--',
      'sh',
      '-c',
      // stdin stays open: Traefik answers 499 to a client that half-closes before the answer.
      `(printf '${request}'; sleep 4) | nc -w 5 ${traefikIp} 8000`,
    );
    assert.match(fromPod, /app=alpha /, fromPod);
    assert.doesNotMatch(fromPod, /203\.0\.113\.9/, 'a forged header from a pod is dropped');
  });

  test('switching back to tls=ingress restores PROXY v2 and TLS at Traefik', async () => {
    await b.berth('addon', 'install', 'ing', 'ingress', '--wait', '--timeout', '5m');
    await until(
      'PROXY v2 pools behind TCP listeners',
      async () => {
        const scheme = await ingressScheme(b, traefikServiceUid);
        return scheme === '443 TCP/PROXYV2, 80 TCP/PROXYV2' ? scheme : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const r = await until(
      'https://b.example.test/ with the Ingress Secret certificate again',
      async () => {
        const a = await get('https', address, 'b.example.test', ca.certPem).catch(() => undefined);
        return a?.status === 200 && a.certificateSubject === 'b.example.test' ? a : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.match(r.body, new RegExp(`x-real-ip=${escape(env.ext(1))} `), r.body);
    // Like the HTTPS request above, retried while the old Traefik pods finish terminating (a
    // connection the amphora still sends to one can time out: docs/upgrades.md, the open burst).
    const plain = await until(
      'http://a.example.test/ answered',
      () => get('http', address, 'a.example.test').catch(() => undefined),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.match(plain.body, new RegExp(`x-forwarded-for=${escape(env.ext(1))}$`, 'm'));
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

/** The ingress load balancer's listeners as `port LISTENER/POOL`, sorted, e.g. `80 TCP/PROXYV2`. */
async function ingressScheme(b: Berth, serviceUid: string): Promise<string> {
  const lbs = (await b.api('GET', '/v1/projects/default/loadbalancers?cluster=ing'))
    .items as Json[];
  const lb = lbs.find((l) => l.attributes.tags['berth.dev/service'] === serviceUid);
  const pools = records(b, 'Pool');
  return records(b, 'Listener')
    .filter((l) => l.loadBalancerId === lb?.id)
    .map((l) => {
      const pool = pools.find((p) => p.id === l.defaultPoolId);
      return `${l.protocolPort as number} ${l.protocol as string}/${pool?.protocol as string}`;
    })
    .sort()
    .join(', ');
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
