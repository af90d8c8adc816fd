/**
 * The cluster autoscaler end to end, as a user works: `berth server --provider local` and the
 * CLI as child processes, kubectl against the cluster, the upstream cluster-autoscaler that
 * Berth runs talking to Berth's CloudProvider service. Simulated node groups (kwok) keep it
 * fast; real nodes go through the same code (real-nodes and the bench cover one).
 *
 * A cluster with `base` (min 1, max 5) and `batch` (min 0, max 3, tainted): pods that fit only
 * `batch` scale it from zero, pods on `base` grow it; deleting them brings both back to their
 * min through nodes the autoscaler chose; a manual count is refused while autoscaling is on and
 * accepted once it is off; the autoscaler stops with the last autoscaled group. A second,
 * cramped cluster (a /28 subnet) shows a group whose servers cannot be created backed off.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { until } from '@berth/test-kit';
import {
  kubectl,
  kubectlSettled,
  nodes,
  skip,
  startBerth,
  tearDownBerth,
  type Berth,
  type E2eEnv,
  type Json,
} from './testing/e2e.js';

const GROUPS = '/v1/projects/default/clusters/auto/nodegroups';

describe('cluster autoscaler on the local provider', { skip, concurrency: false }, () => {
  let env: E2eEnv;
  let b: Berth;
  let kubeconfig: string;
  let uid: string;
  const k = (...args: string[]) => kubectl(kubeconfig, ...args);
  const group = (name: string): Promise<Json> => b.api('GET', `${GROUPS}/${name}`);
  const groupNodes = async (name: string) =>
    (await nodes(kubeconfig)).filter((n) => n.metadata.labels['berth.dev/nodegroup'] === name);
  const autoscalerDir = () => path.join(b.serverData, 'autoscaler', uid);
  const autoscalerPid = () => {
    const file = path.join(autoscalerDir(), 'autoscaler.pid');
    return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').trim()) : undefined;
  };
  const alive = (pid: number | undefined) =>
    pid !== undefined && fs.existsSync(`/proc/${pid}/cmdline`);
  const events = async (reason: string): Promise<Json[]> =>
    ((await b.api('GET', '/v1/projects/default/clusters/auto/events')).items as Json[]).filter(
      (e) => e.reason === reason,
    );
  const deployment = (name: string, replicas: number, cpu: string, extra: Json) =>
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            ...extra,
            containers: [{ name: 'c', image: 'app', resources: { requests: { cpu } } }],
          },
        },
      },
    });
  const runningPods = async (app: string) =>
    (JSON.parse(await k('get', 'pods', '-l', `app=${app}`, '-o', 'json')).items as Json[]).filter(
      (p) => p.status.phase === 'Running',
    ).length;

  before(async () => {
    ({ env, b } = await startBerth());
    kubeconfig = path.join(env.dataDir, 'auto.kubeconfig');
    const spec = path.join(env.dataDir, 'auto.json');
    fs.writeFileSync(
      spec,
      JSON.stringify({
        metadata: { name: 'auto' },
        spec: {
          autoscaler: { scaleDownUnneededSeconds: 20, scaleDownDelayAfterAddSeconds: 0 },
          nodeGroups: [
            {
              name: 'base',
              runtime: 'simulated',
              count: 1,
              autoscaling: { enabled: true, min: 1, max: 5 },
            },
            {
              name: 'batch',
              runtime: 'simulated',
              count: 0,
              labels: { pool: 'batch' },
              taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
              autoscaling: { enabled: true, min: 0, max: 3 },
            },
          ],
        },
      }),
    );
    await b.berth('cluster', 'create', '-f', spec, '--wait');
    await b.berth('cluster', 'kubeconfig', 'auto', '--output-file', kubeconfig);
    uid = (await b.api('GET', '/v1/projects/default/clusters/auto')).metadata.uid as string;
  });

  after(() => tearDownBerth(env, b));

  test('Berth runs one cluster-autoscaler for the cluster, and reports what it says', async () => {
    await until('the autoscaler process runs', () => alive(autoscalerPid()) || undefined, {
      timeoutMs: 60_000,
    });
    const cmdline = fs.readFileSync(`/proc/${autoscalerPid()}/cmdline`, 'utf8').split('\0');
    assert.ok(cmdline.includes('--cloud-provider=externalgrpc'), cmdline.join(' '));
    assert.ok(cmdline.includes('--scale-down-unneeded-time=20s'), cmdline.join(' '));
    const status = await until(
      "the autoscaler's report reaches the node group",
      async () => {
        const s = (await group('base')).status.autoscaler;
        return s?.health === 'Healthy' ? s : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    assert.equal(status.targetSize, 1);
    // A crashed autoscaler is started again by Berth's supervisor.
    const first = autoscalerPid()!;
    process.kill(first, 'SIGKILL');
    const second = await until(
      'a new autoscaler process',
      () => {
        const pid = autoscalerPid();
        return pid !== first && alive(pid) ? pid : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.notEqual(second, first);
  });

  test('pods that fit only the tainted group scale it from zero', async () => {
    const manifest = path.join(env.dataDir, 'batch.json');
    fs.writeFileSync(
      manifest,
      deployment('batch', 4, '700m', {
        nodeSelector: { pool: 'batch' },
        tolerations: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
      }),
    );
    await k('apply', '-f', manifest);
    await until(
      '4 batch pods Running',
      async () => (await runningPods('batch')) === 4 || undefined,
      {
        timeoutMs: 180_000,
        intervalMs: 2000,
      },
    );
    const batch = await group('batch');
    // 700m each on 2-CPU nodes: two per node.
    assert.equal(batch.spec.count, 2);
    assert.equal((await groupNodes('batch')).length, 2);
    assert.equal(batch.status.autoscaler.lastScaleUp.from, 0);
    const up = await events('AutoscalerScaleUp');
    assert.ok(
      up.some((e) => /node group batch from 0 to 2/.test(e.message)),
      JSON.stringify(up),
    );
  });

  test('pods on the base group grow it within its max', async () => {
    const manifest = path.join(env.dataDir, 'web.json');
    fs.writeFileSync(manifest, deployment('web', 5, '700m', {}));
    await k('apply', '-f', manifest);
    await until('5 web pods Running', async () => (await runningPods('web')) === 5 || undefined, {
      timeoutMs: 180_000,
      intervalMs: 2000,
    });
    const base = await group('base');
    assert.ok(base.spec.count >= 3 && base.spec.count <= 5, `base count ${base.spec.count}`);
  });

  test('a manual count is refused while the autoscaler owns it', async () => {
    const refused = await b.berth('nodegroup', 'scale', 'auto', 'base', '--count', '5').then(
      () => '',
      (err: { stderr?: string }) => err.stderr ?? String(err),
    );
    assert.match(refused, /autoscaler owns count/);
    assert.match(refused, /spec\.count/);
  });

  test('deleting the pods brings both groups back to their min through chosen nodes', async () => {
    const before = new Set((await groupNodes('base')).map((n) => n.metadata.name as string));
    await k('delete', 'deployment', 'batch', 'web', '--wait=false');
    await until(
      'base at 1 and batch at 0',
      async () => {
        const [base, batch] = [await group('base'), await group('batch')];
        const done =
          base.spec.count === 1 &&
          batch.spec.count === 0 &&
          base.status.replicas === 1 &&
          batch.status.replicas === 0;
        return done || undefined;
      },
      { timeoutMs: 240_000, intervalMs: 2000 },
    );
    const down = await events('AutoscalerScaleDown');
    const removed = down.flatMap(
      (e) => /removes (.*) \(drained/.exec(e.message)?.[1]?.split(', ') ?? [],
    );
    const left = (await groupNodes('base')).map((n) => n.metadata.name as string);
    assert.equal(left.length, 1);
    for (const name of removed.filter((n) => before.has(n))) {
      assert.ok(!left.includes(name), `${name} was chosen for removal but is still a node`);
    }
    assert.ok(removed.length >= 2, JSON.stringify(down.map((e) => e.message)));
    const batch = await group('batch');
    assert.deepEqual(batch.status.autoscaler.removing, []);
    assert.ok(batch.status.autoscaler.lastScaleDown.nodes.length > 0);
  });

  test('disabling autoscaling gives count back; the autoscaler stops with the last group', async () => {
    const pid = autoscalerPid();
    await b.berth('nodegroup', 'autoscale', 'auto', 'base', '--disable', '--wait');
    const base = await group('base');
    assert.equal(base.spec.autoscaling.enabled, false);
    assert.equal(base.spec.count, 1);
    assert.equal(base.status.autoscaler, undefined);
    await b.berth('nodegroup', 'scale', 'auto', 'base', '--count', '2', '--wait');
    assert.equal((await groupNodes('base')).length, 2);
    assert.ok(alive(pid), 'batch is still autoscaled, so the autoscaler keeps running');
    await b.berth('nodegroup', 'autoscale', 'auto', 'batch', '--disable', '--wait');
    await until(
      'the autoscaler stopped',
      () => (!alive(pid) && !fs.existsSync(autoscalerDir())) || undefined,
      {
        timeoutMs: 60_000,
      },
    );
  });

  test('a group whose servers cannot be created is backed off, not retried in a loop', async () => {
    // A /28 has room for a handful of workers; the pods ask for more.
    const spec = path.join(env.dataDir, 'cramped.json');
    fs.writeFileSync(
      spec,
      JSON.stringify({
        metadata: { name: 'cramped' },
        spec: {
          network: { subnetCidr: '10.0.0.0/28' },
          nodeGroups: [
            {
              name: 'flood',
              runtime: 'simulated',
              count: 0,
              autoscaling: { enabled: true, min: 0, max: 20 },
            },
          ],
        },
      }),
    );
    await b.berth('cluster', 'create', '-f', spec, '--wait');
    const cramped = path.join(env.dataDir, 'cramped.kubeconfig');
    await b.berth('cluster', 'kubeconfig', 'cramped', '--output-file', cramped);
    const manifest = path.join(env.dataDir, 'flood.json');
    fs.writeFileSync(manifest, deployment('flood', 20, '1500m', {}));
    await kubectl(cramped, 'apply', '-f', manifest);
    const url = '/v1/projects/default/clusters/cramped/nodegroups/flood';
    const backedOff = await until(
      'the flood group backed off',
      async () => {
        const g = await b.api('GET', url);
        return g.status.autoscaler?.scaleUp === 'Backoff' ? g : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 2000 },
    );
    assert.equal(backedOff.status.autoscaler.backoff.errorCode, 'ProviderQuota');
    assert.match(backedOff.status.autoscaler.backoff.errorMessage, /no free address/);
    // The nodes it could not get were given up: the target is what exists.
    const settled = await until(
      'the target matches the servers that exist',
      async () => {
        const g = await b.api('GET', url);
        return g.spec.count === g.status.replicas && g.spec.count < 20 ? g : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 2000 },
    );
    const table = await b.berth('nodegroup', 'list', 'cramped');
    assert.match(table, /0-20 Backoff: ProviderQuota/);
    // Backed off means no new attempt for a while: the count stays put.
    await new Promise((r) => setTimeout(r, 15_000));
    assert.equal((await b.api('GET', url)).spec.count, settled.spec.count);
  });

  test('a pending pod gets a new real node from a real group at zero', async () => {
    const registry = (await b.api('GET', '/v1/registry')).endpoint as string;
    const spec = path.join(env.dataDir, 'real.json');
    fs.writeFileSync(
      spec,
      JSON.stringify({
        metadata: { name: 'realscale' },
        spec: {
          nodeGroups: [
            {
              name: 'real',
              runtime: 'containerd',
              count: 0,
              autoscaling: { enabled: true, min: 0, max: 1 },
            },
          ],
        },
      }),
    );
    await b.berth('cluster', 'create', '-f', spec, '--wait');
    const real = path.join(env.dataDir, 'realscale.kubeconfig');
    await b.berth('cluster', 'kubeconfig', 'realscale', '--output-file', real);
    await kubectlSettled(
      real,
      'run',
      'one',
      `--image=${registry}/berth/toolbox:latest`,
      '--restart=Never',
      '--',
      'sleep',
      '3600',
    );
    await until(
      'the pod Running on a new real node',
      async () =>
        JSON.parse(await kubectl(real, 'get', 'pod', 'one', '-o', 'json')).status.phase ===
          'Running' || undefined,
      { timeoutMs: 240_000, intervalMs: 2000 },
    );
    const [node, ...others] = await nodes(real);
    assert.equal(others.length, 0);
    assert.match(node.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\//);
    const group = await b.api('GET', '/v1/projects/default/clusters/realscale/nodegroups/real');
    assert.equal(group.spec.count, 1);
    assert.equal(group.status.autoscaler.lastScaleUp.to, 1);
  });
});
