/**
 * End to end, as a user works: `berth server --provider local` and the real CLI run as child
 * processes, kubectl talks to the clusters they create. Per Kubernetes version: create a
 * cluster with two node groups, check the nodes kubectl sees, run a Deployment, scale. On the
 * default release also: `berth cluster renew-certificates` rebuilds the lone master in place (same server, the
 * Deployment still there, every leaf certificate later), a worker server's processes are SIGKILLed (its node must go NotReady, the node group
 * must say so, and after the repair delay Berth must replace it with a Ready node), and `berth server` is SIGKILLed mid-create (after a restart the cluster must
 * reach Running with no duplicate servers). Every run uses its own name prefix and external
 * CIDR; whatever happens, clusters are deleted through the API, the server is stopped and the
 * leak checker must find nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { defaultComponentsDir } from '@berth/components';
import {
  assertLeavesRenewed,
  clusterCertificates,
  crashServerProcesses,
  isReady,
  kubectl,
  nodes,
  readyNodes,
  serviceLogTails,
  skip,
  startBerth,
  tearDownBerth,
  type Berth,
  type E2eEnv,
  type Json,
} from './testing/e2e.js';
import { until } from '@berth/test-kit';

function suite(version: string, faults: boolean): void {
  describe(`local cluster, Kubernetes ${version}`, { skip }, () => {
    let env: E2eEnv;
    let b: Berth;
    let kubeconfig: string;
    let crashed: { serverId: string; serverName: string; nodeName: string } | undefined;

    before(async () => {
      // Long enough that the crashed worker is seen NotReady first, short enough to wait for.
      process.env.BERTH_NODE_REPAIR_AFTER_SECONDS = '100';
      ({ env, b } = await startBerth());
      kubeconfig = path.join(env.dataDir, 'demo.kubeconfig');
    });

    after(() => tearDownBerth(env, b));

    test('create: nodes, labels, taints, readyz, version, a Deployment', async () => {
      await b.berth(
        'cluster',
        'create',
        'demo',
        '--version',
        version,
        '--nodegroup',
        'default:flavor=std-2-4,count=3,runtime=simulated',
        '--nodegroup',
        'batch:count=1,runtime=simulated,taint=dedicated=batch:NoSchedule',
        '--wait',
      );
      await b.berth('cluster', 'kubeconfig', 'demo', '--output-file', kubeconfig);
      const list = await until(
        '4 Ready nodes',
        async () => {
          const l = await nodes(kubeconfig);
          return l.length === 4 && l.every(isReady) ? l : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      const servers = await b.servers('demo');
      for (const node of list) {
        const labels = node.metadata.labels as Record<string, string>;
        assert.match(labels['berth.dev/nodegroup'] ?? '', /^(default|batch)$/);
        assert.ok(labels['topology.kubernetes.io/zone'], `zone on ${node.metadata.name}`);
        assert.ok(labels['node.kubernetes.io/instance-type'], `type on ${node.metadata.name}`);
        const id = /^berth:\/\/(.+)$/.exec(node.spec.providerID ?? '')?.[1];
        assert.ok(id && servers.some((s) => s.id === id), `providerID ${node.spec.providerID}`);
      }
      const defaults = list.filter((n) => n.metadata.labels['berth.dev/nodegroup'] === 'default');
      assert.equal(defaults.length, 3);
      for (const n of defaults)
        assert.equal(n.metadata.labels['node.kubernetes.io/instance-type'], 'std-2-4');
      const batch = list.filter((n) => n.metadata.labels['berth.dev/nodegroup'] === 'batch');
      assert.equal(batch.length, 1);
      // The node-lifecycle controller lifts its own node.kubernetes.io/not-ready taint a moment
      // after the node turns Ready; what must remain is exactly the node group's taint.
      const taintsOf = (n: Json): string[] =>
        ((n.spec.taints ?? []) as Json[]).map((t) => `${t.key}=${t.value}:${t.effect}`);
      const batchName = batch[0].metadata.name as string;
      const settled = await until(
        'batch node taints settle',
        async () => {
          const node = (await nodes(kubeconfig)).find((n) => n.metadata.name === batchName);
          const taints = node ? taintsOf(node) : [];
          return taints.some((t) => t.startsWith('node.kubernetes.io/')) ? undefined : taints;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      assert.deepEqual(settled, ['dedicated=batch:NoSchedule']);

      assert.equal((await kubectl(kubeconfig, 'get', '--raw', '/readyz')).trim(), 'ok');
      const gitVersion = JSON.parse(await kubectl(kubeconfig, 'get', '--raw', '/version'))
        .gitVersion as string;
      assert.ok(gitVersion.startsWith(`v${version}.`), gitVersion);

      await kubectl(kubeconfig, 'create', 'deployment', 'web', '--image=nginx', '--replicas=5');
      await until(
        '5 Running pods',
        async () => {
          const pods = JSON.parse(
            await kubectl(kubeconfig, 'get', 'pods', '-l', 'app=web', '-o', 'json'),
          ).items as Json[];
          const running = pods.filter((p) => p.status?.phase === 'Running');
          return running.length === 5 ? true : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      );
    });

    test('scale default to 5, then 2: nodes follow', async () => {
      await b.berth('nodegroup', 'scale', 'demo', 'default', '--count', '5', '--wait');
      await until(
        '5 default nodes Ready',
        async () => ((await readyNodes(kubeconfig, 'default')) === 5 ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      await b.berth('nodegroup', 'scale', 'demo', 'default', '--count', '2', '--wait');
      await until(
        '2 default nodes',
        async () => {
          const l = (await nodes(kubeconfig)).filter(
            (n) => n.metadata.labels['berth.dev/nodegroup'] === 'default',
          );
          return l.length === 2 && l.every(isReady) ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      assert.equal((await b.servers('demo')).length, 1 + 2 + 1);
    });

    if (!faults) return;

    test('renew-certificates on the lone master: rebuilt in place, data kept, new certificates', async () => {
      const masterOf = async () =>
        (await b.servers('demo')).find((s) => s.name.includes('master'))!;
      const before = await clusterCertificates(b, 'demo');
      const master = await masterOf();
      // Issued a second later at least, so every new notAfter is later than the old one.
      await new Promise((r) => setTimeout(r, 1_100));
      await b.berth('cluster', 'renew-certificates', 'demo', '--wait', '--timeout', '10m');

      assert.equal((await masterOf()).id, master.id, 'the same server, not a replacement');
      assertLeavesRenewed(before, await clusterCertificates(b, 'demo'));
      // etcd's data survived the rebuild: the Deployment made before is still there.
      const renewed = path.join(env.dataDir, 'demo-renewed.kubeconfig');
      await b.berth('cluster', 'kubeconfig', 'demo', '--output-file', renewed);
      assert.match(await kubectl(renewed, 'get', 'deployment', 'web', '--no-headers'), /^web /);
      const events = (await b.api('GET', '/v1/projects/default/clusters/demo/events'))
        .items as Json[];
      assert.ok(events.some((e) => e.reason === 'MasterRebuilding'));
      assert.ok(!events.some((e) => e.reason === 'MasterReplacing'));
    });

    test('a worker crash: its node goes NotReady and the node group says so', async () => {
      const list = await nodes(kubeconfig);
      const victim = list.find((n) => n.metadata.labels['berth.dev/nodegroup'] === 'default');
      const serverId = /^berth:\/\/(.+)$/.exec(victim.spec.providerID)?.[1] as string;
      const server = (await b.servers('demo')).find((s) => s.id === serverId);
      assert.ok(server, `server ${serverId} of node ${victim.metadata.name}`);
      const killed = crashServerProcesses(path.join(b.providerData, 'servers', serverId));
      assert.ok(killed > 0, 'found verified processes to kill');
      crashed = { serverId, serverName: server.name, nodeName: victim.metadata.name as string };
      // kwok's lease is 40 s and the node-lifecycle grace 50 s: allow both plus slack.
      let nodeNotReady = false;
      let groupSays = false;
      let clusterSays = false;
      await until(
        'node NotReady, reported by the API',
        async () => {
          const node = (await nodes(kubeconfig)).find(
            (n) => n.metadata.name === victim.metadata.name,
          );
          if (node !== undefined && !isReady(node)) nodeNotReady = true;
          const ng = await b.api('GET', '/v1/projects/default/clusters/demo/nodegroups/default');
          const ngCond = (ng.status.conditions as Json[]).find((c) => c.type === 'NodesReady');
          if (ngCond?.status === 'False' && String(ngCond.message).includes(server.name))
            groupSays = true;
          const cluster = await b.api('GET', '/v1/projects/default/clusters/demo');
          const cond = (cluster.status.conditions as Json[]).find((c) => c.type === 'NodesReady');
          if (cond?.status === 'False' && String(cond.message).includes('default'))
            clusterSays = true;
          return nodeNotReady && groupSays && clusterSays ? true : undefined;
        },
        { timeoutMs: 150_000, intervalMs: 500 },
      );
    });

    test('…then Berth repairs it: a new server in its slot, its node Ready again', async () => {
      assert.ok(crashed, 'a worker was crashed');
      const { serverId, serverName, nodeName } = crashed;
      let seen = '';
      await until(
        'the worker replaced and Ready',
        async () => {
          const slot = (await b.servers('demo')).find((s) => s.name === serverName);
          const node = (await nodes(kubeconfig)).find((n) => n.metadata.name === nodeName);
          seen = JSON.stringify({
            slot,
            providerID: node?.spec.providerID,
            ready: node && isReady(node),
          });
          if (slot === undefined || slot.id === serverId) return undefined;
          return node !== undefined &&
            isReady(node) &&
            node.spec.providerID === `berth://${slot.id}`
            ? true
            : undefined;
        },
        { timeoutMs: 240_000, intervalMs: 500 },
      ).catch(async (err: Error) => {
        const ng = await b.api('GET', '/v1/projects/default/clusters/demo/nodegroups/default');
        const recent = (await b.api('GET', '/v1/projects/default/clusters/demo/events')).items
          .slice(-8)
          .map((e: Json) => `${e.reason}: ${e.message}`);
        throw new Error(
          `${err.message}; last seen ${seen}; group ${JSON.stringify(ng.status)}; events ${recent.join(' | ')}`,
        );
      });
      const events = (await b.api('GET', '/v1/projects/default/clusters/demo/events'))
        .items as Json[];
      assert.ok(
        events.some((e) => e.reason === 'NodeRepairing' && String(e.message).includes(serverName)),
        'a NodeRepairing event names the worker',
      );
    });

    test('SIGKILL of berth server mid-create: after restart Running, no duplicates', async () => {
      await b.api('POST', '/v1/projects/default/clusters', {
        metadata: { name: 'crashy' },
        spec: { version, nodeGroups: [{ name: 'default', count: 2, runtime: 'simulated' }] },
      });
      await until(
        'create under way',
        async () => ((await b.servers('crashy')).length >= 1 ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      await b.stop('SIGKILL');
      await b.start();
      let seen = '';
      await until(
        'crashy Running after restart',
        async () => {
          const c = await b.api('GET', '/v1/projects/default/clusters/crashy');
          seen = `${c.status?.phase} ${JSON.stringify(c.status?.conditions?.filter((x: Json) => x.status !== 'True').map((x: Json) => x.message))}`;
          return c.status?.phase === 'Running' ? true : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      ).catch(async (err: Error) => {
        const logs = await serviceLogTails(b, 'crashy', 'master');
        throw new Error(`${err.message}; last seen: ${seen}\n${logs}`);
      });
      const servers = await b.servers('crashy');
      assert.equal(servers.length, 3, servers.map((s) => s.name).join(', '));
      assert.equal(new Set(servers.map((s) => s.name)).size, 3);
    });
  });
}

// The default release with the fault drills; the oldest, where upgrades start, without them.
// (real-nodes.e2e.test.ts runs a real node on every other release.)
const manifest = JSON.parse(
  fs.readFileSync(path.join(defaultComponentsDir(), 'versions.json'), 'utf8'),
) as { defaultRelease: string; releases: Record<string, unknown> };
const oldest = Object.keys(manifest.releases).sort(
  (a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]),
)[0];
suite(manifest.defaultRelease, true);
if (oldest !== undefined && oldest !== manifest.defaultRelease) suite(oldest, false);
