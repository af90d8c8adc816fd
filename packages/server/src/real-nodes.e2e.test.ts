/**
 * Real nodes end to end, as a user works: `berth server --provider local` and the CLI as child
 * processes, crane pushing to the platform registry, kubectl against the cluster. A cluster of
 * one master and three real workers (kubelet, containerd, kube-proxy) runs a Deployment of an
 * image the test pushed, behind a LoadBalancer Service with PROXY protocol and
 * `externalTrafficPolicy: Local`; the host reaches it through the floating IP and the pod sees
 * the host's address. Then: kubectl logs/exec/port-forward/attach, cluster DNS, pod-to-pod
 * across nodes, fio in a pod from `berth/fio`, a missing image, a killed node whose pods come back
 * elsewhere, a scale-down that drains real pods, one
 * real node on every other supported release, and a teardown the leak checker finds clean.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDirFromEnv, createComponentStore, defaultComponentsDir } from '@berth/components';
import { ProcessRunner } from '@berth/exec';
import { fioVersion, parseFioIops, tarArchive } from '@berth/images';
import { skipUnless, until } from '@berth/test-kit';
import {
  crashMachine,
  isReady,
  kubectl,
  kubectlSettled,
  nodes,
  skip as e2eSkip,
  startBerth,
  tearDownBerth,
  type Berth,
  type E2eEnv,
  type Json,
} from './testing/e2e.js';

const run = promisify(execFile);
const components = createComponentStore({
  cacheDir: cacheDirFromEnv(process.env),
  componentsDir: defaultComponentsDir(),
  runner: new ProcessRunner(),
});
const crane = await components.path('crane', 'default').catch(() => undefined);
const skip =
  e2eSkip || skipUnless({ 'crane (berth components install tools)': crane !== undefined });
const versions = JSON.parse(
  fs.readFileSync(path.join(defaultComponentsDir(), 'versions.json'), 'utf8'),
) as { defaultRelease: string; releases: Record<string, unknown> };
const otherReleases = Object.keys(versions.releases).filter((r) => r !== versions.defaultRelease);
/** The server packs the host's fio as `berth/fio:<version>` (platform-registry.ts). */
const hostFio = fs.existsSync('/usr/bin/fio')
  ? fioVersion(execFileSync('/usr/bin/fio', ['--version'], { encoding: 'utf8' }))
  : undefined;

/** Answers every connection with its pod name and the first line it got (the PROXY header). */
const ECHO = `echo "started $HOSTNAME"; exec nc -ll -p 8080 -e sh -c 'read line; echo "$HOSTNAME $line"'`;

describe('real nodes on the local provider', { skip, concurrency: false }, () => {
  let env: E2eEnv;
  let b: Berth;
  let kubeconfig: string;
  let registry: string;
  let image: string;
  const k = (...args: string[]) => kubectl(kubeconfig, ...args);
  const pods = async (selector: string): Promise<Json[]> =>
    JSON.parse(await k('get', 'pods', '-l', selector, '-o', 'json')).items as Json[];
  const running = (list: Json[]) =>
    list.filter((p) => p.status.phase === 'Running' && p.metadata.deletionTimestamp === undefined);

  before(async () => {
    // A crashed node is replaced quickly once it is seen NotReady.
    process.env.BERTH_NODE_REPAIR_AFTER_SECONDS = '20';
    ({ env, b } = await startBerth());
    kubeconfig = path.join(env.dataDir, 'real.kubeconfig');
    registry = (await b.api('GET', '/v1/registry')).endpoint as string;
    image = `${registry}/default/echo:1`;
  });

  after(() => tearDownBerth(env, b));

  /**
   * Pushes the echo image with crane as a user would (Docker config holding the Berth token,
   * the registry CA from the API). The endpoint answers once the external bridge exists (the
   * first cluster's router makes it) and the toolbox base is published.
   */
  async function pushEchoImage(): Promise<void> {
    const info = await b.api('GET', '/v1/registry');
    const dir = path.join(env.dataDir, 'crane');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'ca.crt'), info.caCertificate as string);
    const auth = Buffer.from(`berth:${b.token}`).toString('base64');
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ auths: { [registry]: { auth } } }),
    );
    const layer = path.join(dir, 'layer.tar');
    fs.writeFileSync(
      layer,
      tarArchive([
        { type: 'file', path: 'etc/echo', mode: 0o755, content: Buffer.from(`${ECHO}\n`) },
      ]),
    );
    let last = '';
    const pushed = until(
      `crane pushes ${image}`,
      () =>
        run(crane!, ['append', '-b', `${registry}/berth/toolbox`, '-f', layer, '-t', image], {
          env: {
            PATH: process.env.PATH,
            HOME: dir,
            DOCKER_CONFIG: dir,
            SSL_CERT_FILE: path.join(dir, 'ca.crt'),
          },
        }).then(
          () => true,
          (err: unknown) => {
            last = String((err as { stderr?: string }).stderr ?? err).slice(-300);
            return undefined;
          },
        ),
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    await pushed.catch((err: unknown) => {
      throw new Error(`${String(err)}; crane said: ${last}`);
    });
  }

  test('a cluster of real nodes: containerd, the flavor as allocatable, CoreDNS running', async () => {
    await b.berth('cluster', 'create', 'real', '--nodegroup', 'default:count=3', '--wait');
    await b.berth('cluster', 'kubeconfig', 'real', '--output-file', kubeconfig);
    const list = await until(
      '3 Ready nodes',
      async () => {
        const all = await nodes(kubeconfig);
        return all.length === 3 && all.every(isReady) ? all : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    for (const node of list) {
      assert.match(node.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\/2\./);
      assert.match(node.status.nodeInfo.kubeletVersion, minorPattern(versions.defaultRelease));
      assert.doesNotMatch(node.status.nodeInfo.osImage, /simulated/i);
      assert.equal(node.status.allocatable.cpu, '2', 'std-2-4: 2 CPUs');
      assert.equal(node.status.allocatable.memory, '4Gi', 'std-2-4: 4 GiB');
      assert.match(node.spec.providerID, /^berth:\/\//);
      // The node group's volume (20 GiB by default) is the node's root disk.
      const disk = quantityBytes(node.status.capacity['ephemeral-storage'] as string);
      assert.ok(disk > 18 * 2 ** 30 && disk <= 20 * 2 ** 30, `ephemeral-storage ${disk}`);
    }
    await until(
      'CoreDNS ready',
      async () => {
        const dns = running(
          JSON.parse(
            await k('-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-dns', '-o', 'json'),
          ).items,
        );
        return dns.length === 2 && dns.every((p: Json) => p.status.containerStatuses[0].ready)
          ? true
          : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    const dnsService = JSON.parse(
      await k('-n', 'kube-system', 'get', 'svc', 'kube-dns', '-o', 'json'),
    );
    assert.equal(dnsService.spec.clusterIP, '10.254.0.10');
  });

  test('an image pushed to the registry serves through a LoadBalancer; the pod sees the client', async () => {
    await pushEchoImage();
    const manifest = [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'echo' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'echo' } },
          template: {
            metadata: { labels: { app: 'echo' } },
            spec: {
              terminationGracePeriodSeconds: 2,
              topologySpreadConstraints: [
                {
                  maxSkew: 1,
                  topologyKey: 'kubernetes.io/hostname',
                  whenUnsatisfiable: 'ScheduleAnyway',
                  labelSelector: { matchLabels: { app: 'echo' } },
                },
              ],
              containers: [{ name: 'echo', image, command: ['sh', '/etc/echo'] }],
            },
          },
        },
      },
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'echo' },
        spec: { minAvailable: 1, selector: { matchLabels: { app: 'echo' } } },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'echo',
          annotations: { 'loadbalancer.berth.dev/proxy-protocol': 'v1' },
        },
        spec: {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          selector: { app: 'echo' },
          ports: [{ port: 80, targetPort: 8080 }],
        },
      },
    ];
    const file = path.join(env.dataDir, 'echo.json');
    fs.writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifest }));
    await k('apply', '-f', file);
    await k('rollout', 'status', 'deployment/echo', '--timeout=120s');
    const address = await until(
      'load balancer address',
      async () =>
        JSON.parse(await k('get', 'svc', 'echo', '-o', 'json')).status.loadBalancer?.ingress?.[0]
          ?.ip as string | undefined,
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    const hostSide = env.ext(1);
    const seen = new Set<string>();
    await until(
      'answers from every pod',
      async () => {
        const answer = await ask(address, 80);
        const match = /^(echo-\S+) PROXY TCP4 (\S+) /.exec(answer);
        if (match === null) return undefined;
        assert.equal(match[2], hostSide, `the pod sees the client address: ${answer}`);
        seen.add(match[1]!);
        return seen.size === 3 ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
  });

  test('kubectl logs and exec reach the pods', async () => {
    const [pod] = running(await pods('app=echo'));
    const name = pod.metadata.name as string;
    assert.match(await k('logs', name), new RegExp(`^started ${name}$`, 'm'));
    assert.equal((await k('exec', name, '--', 'hostname')).trim(), name);
  });

  test('kubectl port-forward and attach reach the pods', async () => {
    const [pod] = running(await pods('app=echo'));
    const name = pod.metadata.name as string;
    const forward = spawn('kubectl', ['--kubeconfig', kubeconfig, 'port-forward', name, ':8080']);
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        forward.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        forward.once('exit', (code) => reject(new Error(`port-forward exited ${code}: ${out}`)));
      });
      assert.equal(await ask('127.0.0.1', port, 'forwarded\n'), `${name} forwarded`);
    } finally {
      forward.kill();
    }
    // `kubectl run -i` attaches to the new container's stdin and output.
    const attached = await withInput(
      'kubectl',
      ['--kubeconfig', kubeconfig, 'run', 'attach', '-i', '--rm', '--restart=Never'],
      ['--image', image, '--command', '--', 'sh'],
      'echo "attached to $HOSTNAME"\nexit\n',
    );
    assert.match(attached, /^attached to attach$/m);
  });

  test('pods resolve cluster names and reach pods on other nodes', async () => {
    const list = running(await pods('app=echo'));
    const [from, ...others] = list;
    const other = others.find((p) => p.spec.nodeName !== from.spec.nodeName);
    assert.ok(other, 'echo pods on at least two nodes');
    const exec = (script: string) => k('exec', from.metadata.name, '--', 'sh', '-c', script);
    const kubernetes = await exec('nslookup kubernetes.default.svc.cluster.local || true');
    assert.match(kubernetes, /Address: 10\.254\.0\.1$/m);
    const service = JSON.parse(await k('get', 'svc', 'echo', '-o', 'json')).spec.clusterIP;
    assert.match(
      await exec('nslookup echo.default.svc.cluster.local || true'),
      new RegExp(service),
    );
    const reply = await exec(`echo hello | nc -w 3 ${other.status.podIP} 8080`);
    assert.equal(reply.trim(), `${other.metadata.name} hello`);
    const viaService = await exec('echo hi | nc -w 3 echo 80');
    assert.match(viaService.trim(), /^echo-\S+ hi$/);
  });

  test(
    'fio runs in a pod from berth/fio and reads at a positive rate',
    { skip: hostFio === undefined ? 'no fio (scripts/install-host-deps --with-test-deps)' : false },
    async () => {
      const fioImage = `${registry}/berth/fio:${hostFio!}`;
      await k('run', 'fio', `--image=${fioImage}`, '--restart=Never', '--', 'sleep', '300');
      await k('wait', '--for=condition=Ready', 'pod/fio', '--timeout=120s');
      const job =
        'fio --name=t --filename=/tmp/f --size=8M --rw=randread --bs=4k --direct=0 --runtime=2 --time_based --output-format=json';
      const { readIops, writeIops } = parseFioIops(await k('exec', 'fio', '--', 'sh', '-c', job));
      assert.ok(readIops > 0, `read IOPS ${readIops}`);
      assert.equal(writeIops, 0);
      await k('delete', 'pod', 'fio', '--grace-period=1', '--wait=false');
    },
  );

  test('an image that does not exist is the pod’s ErrImagePull, nothing else', async () => {
    await k('run', 'missing', `--image=${registry}/default/does-not-exist:1`);
    const reason = await until(
      'pull failure',
      async () => {
        const pod = JSON.parse(await k('get', 'pod', 'missing', '-o', 'json'));
        const waiting = pod.status.containerStatuses?.[0]?.state?.waiting?.reason as
          string | undefined;
        return waiting === 'ErrImagePull' || waiting === 'ImagePullBackOff' ? waiting : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.ok(reason);
    assert.ok((await nodes(kubeconfig)).every(isReady), 'every node stays Ready');
    await k('delete', 'pod', 'missing', '--wait=false');
  });

  test('a killed node is replaced and its pods run elsewhere', async () => {
    const before = running(await pods('app=echo'));
    const victim = before[0].spec.nodeName as string;
    const server = (await b.servers('real')).find((s) => s.name === victim);
    assert.ok(server, `server of ${victim}`);
    assert.ok(await crashMachine(env, server.id), 'the node was running');
    await until(
      'echo pods running again, none on the dead node',
      async () => {
        const now = running(await pods('app=echo'));
        const fresh = now.filter((p) => !before.some((q) => q.metadata.uid === p.metadata.uid));
        return now.length === 3 && fresh.length > 0 ? true : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 2000 },
    );
    await until(
      'three Ready nodes again',
      async () => {
        const all = await nodes(kubeconfig);
        return all.length === 3 && all.every(isReady) ? true : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 2000 },
    );
  });

  test('scaling down drains real pods onto the remaining nodes', async () => {
    await b.berth('nodegroup', 'scale', 'real', 'default', '--count', '2', '--wait');
    const left = (await nodes(kubeconfig)).map((n) => n.metadata.name as string);
    assert.equal(left.length, 2);
    await k('rollout', 'status', 'deployment/echo', '--timeout=120s');
    const now = running(await pods('app=echo'));
    assert.equal(now.length, 3);
    for (const pod of now) assert.ok(left.includes(pod.spec.nodeName), 'on a remaining node');
  });

  /**
   * One cluster of a master and one real node per release other than the default (the rest of
   * this file runs the default): kubelet, containerd and kube-proxy of that minor start on this
   * host and run a pod. The clusters are made side by side to keep the wall time to about one.
   */
  test(
    `a real node on each other release: ${otherReleases.join(', ') || '(none)'}`,
    { skip: otherReleases.length === 0 ? 'versions.json has one release' : false },
    async () => {
      await Promise.all(otherReleases.map((release) => realNodeOn(release)));
    },
  );

  async function realNodeOn(release: string): Promise<void> {
    const name = `v${release.replace('.', '-')}`;
    const file = path.join(env.dataDir, `${name}.kubeconfig`);
    await b.berth(
      'cluster',
      'create',
      name,
      '--version',
      release,
      '--nodegroup',
      'default:count=1',
      '--wait',
    );
    await b.berth('cluster', 'kubeconfig', name, '--output-file', file);
    // The platform's toolbox image, so this test needs no image an earlier test pushed.
    await kubectlSettled(
      file,
      'run',
      'probe',
      `--image=${registry}/berth/toolbox:latest`,
      '--',
      'sh',
      '-c',
      'echo up; sleep 600',
    );
    await kubectl(file, 'wait', '--for=condition=Ready', 'pod/probe', '--timeout=120s');
    // No retry: `--wait` returned, so the new kubelet already serves with its certificate.
    assert.equal((await kubectl(file, 'logs', 'probe')).trim(), 'up', release);
    const [node] = await nodes(file);
    assert.match(node.status.nodeInfo.kubeletVersion, minorPattern(release));
    await b.berth('cluster', 'delete', name, '--wait');
  }
});

/** `v1.37.` and nothing else for release `1.37`. */
function minorPattern(release: string): RegExp {
  return new RegExp(`^v${release.replace('.', '\\.')}\\.`);
}

/** One TCP exchange: sends a line, returns what comes back (or an error text). */
function ask(host: string, port: number, line = 'hello\n'): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host, () => socket.write(line));
    let data = '';
    socket.setTimeout(3000, () => socket.destroy());
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('close', () => resolve(data.trim()));
    socket.on('error', (err) => resolve(`error: ${err.message}`));
  });
}

/** Bytes of a Kubernetes quantity as kubelet reports capacity (`20470152Ki`, `20Gi`, plain). */
function quantityBytes(q: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(q);
  assert.ok(m, `quantity ${q}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 }[m[2] as 'Ki' | 'Mi' | 'Gi'] ?? 1;
  return Number(m[1]) * unit;
}

/** Runs a command with `input` on its stdin; resolves its stdout, rejects on a non-zero exit. */
function withInput(
  command: string,
  args: string[],
  more: string[],
  input: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, ...more]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err}`)),
    );
    child.stdin.end(input);
  });
}
