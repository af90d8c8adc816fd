/**
 * Persistent volumes end to end on real nodes, as a user works: `berth server --provider local`
 * and the CLI as child processes, kubectl against the cluster. A StatefulSet's claim is
 * provisioned in its node's zone and mounted; its data follows the pod when the node is drained
 * and when the node dies (fenced, the attachment forced off); a claim grows; a 30 GiB ssd claim
 * for a pod in az2 lands in az2; bad claims get a clear `ProvisioningFailed` and create nothing;
 * Retain keeps a volume and Delete removes it; the teardown leaves nothing behind.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { until } from '@berth/test-kit';
import {
  crashMachine,
  isReady,
  kubectl,
  nodes,
  skip,
  startBerth,
  tearDownBerth,
  type Berth,
  type E2eEnv,
  type Json,
} from './testing/e2e.js';

const GIB = 1024 ** 3;

describe('persistent volumes on real nodes', { skip, concurrency: false }, () => {
  let env: E2eEnv;
  let b: Berth;
  let kubeconfig: string;
  let toolbox: string;
  const k = (...args: string[]) => kubectl(kubeconfig, ...args);
  const json = async (...args: string[]): Promise<Json> =>
    JSON.parse(await k(...args, '-o', 'json'));
  const apply = async (name: string, yaml: string) => {
    const file = path.join(env.dataDir, `${name}.yaml`);
    fs.writeFileSync(file, yaml);
    await k('apply', '-f', file);
  };
  /** The provider's persistent volumes of the cluster (the CSI driver's). */
  const volumes = async (): Promise<Json[]> =>
    ((await b.api('GET', '/v1/projects/default/volumes?cluster=st')).items as Json[]).filter(
      (v) => v.attributes.tags['berth.dev/role'] === 'volume',
    );
  const serverOf = async (node: string) => (await b.servers('st')).find((s) => s.name === node)!.id;
  const dataPod = async (): Promise<Json | undefined> => {
    const pod = (await json('get', 'pods', '-l', 'app=data')).items[0] as Json | undefined;
    return pod?.status.phase === 'Running' && pod.metadata.deletionTimestamp === undefined
      ? pod
      : undefined;
  };
  const claimEvents = async (claim: string): Promise<string[]> =>
    (
      (await json('get', 'events', '--field-selector', `involvedObject.name=${claim}`))
        .items as Json[]
    )
      .filter((e) => e.reason === 'ProvisioningFailed')
      .map((e) => e.message as string);

  before(async () => {
    // A dead node is fenced (default 30 s) long before it would be replaced.
    process.env.BERTH_NODE_REPAIR_AFTER_SECONDS = '900';
    ({ env, b } = await startBerth());
    kubeconfig = path.join(env.dataDir, 'st.kubeconfig');
    toolbox = `${(await b.api('GET', '/v1/registry')).endpoint as string}/berth/toolbox:latest`;
  });

  after(() => tearDownBerth(env, b));

  test('every cluster gets the driver, a StorageClass per volume type, nodes registered', async () => {
    await b.berth(
      'cluster',
      'create',
      'st',
      '--zones',
      'az1,az2',
      '--nodegroup',
      'a:count=2,zone=az1',
      '--nodegroup',
      'b:count=1,zone=az2',
      '--wait',
    );
    await b.berth('cluster', 'kubeconfig', 'st', '--output-file', kubeconfig);
    await until(
      '3 Ready nodes',
      async () => {
        const all = await nodes(kubeconfig);
        return all.length === 3 && all.every(isReady) ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const classes = (await json('get', 'storageclass')).items as Json[];
    assert.deepEqual(classes.map((c) => c.metadata.name).sort(), ['hdd', 'high-iops', 'ssd']);
    for (const sc of classes) {
      assert.equal(sc.provisioner, 'berth.dev/volume');
      assert.equal(sc.volumeBindingMode, 'WaitForFirstConsumer');
      assert.equal(sc.allowVolumeExpansion, true);
      assert.equal(sc.parameters.type, sc.metadata.name);
      const isDefault = sc.metadata.annotations['storageclass.kubernetes.io/is-default-class'];
      assert.equal(isDefault, String(sc.metadata.name === 'ssd'));
    }
    assert.equal((await json('get', 'csidriver', 'volume.berth.dev')).spec.attachRequired, true);
    const csiNodes = await until(
      'every kubelet registered the driver',
      async () => {
        const list = (await json('get', 'csinode')).items as Json[];
        return list.length === 3 && list.every((n) => n.spec.drivers?.length === 1)
          ? list
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    for (const n of csiNodes) {
      const [driver] = n.spec.drivers as Json[];
      assert.equal(driver.name, 'volume.berth.dev');
      assert.equal(driver.nodeID, await serverOf(n.metadata.name));
      assert.deepEqual(driver.topologyKeys, ['topology.berth.dev/zone']);
    }
  });

  test('a StatefulSet claim is provisioned in its node zone, attached and written', async () => {
    await apply(
      'data',
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: data}
spec:
  serviceName: data
  replicas: 1
  selector: {matchLabels: {app: data}}
  template:
    metadata: {labels: {app: data}}
    spec:
      terminationGracePeriodSeconds: 1
      nodeSelector: {berth.dev/nodegroup: a}
      containers:
      - name: c
        image: ${toolbox}
        command: [sh, -c, 'hostname >> /data/boots; exec sleep 100000']
        volumeMounts: [{name: d, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: d}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`,
    );
    const pod = await until('data-0 Running', dataPod, { timeoutMs: 120_000, intervalMs: 1000 });
    await k('exec', 'data-0', '--', 'sh', '-c', 'echo kept > /data/marker');
    const claim = await json('get', 'pvc', 'd-data-0');
    assert.equal(claim.status.phase, 'Bound');
    assert.equal(claim.spec.storageClassName, 'ssd');
    const pv = await json('get', 'pv', claim.spec.volumeName);
    assert.equal(pv.spec.csi.driver, 'volume.berth.dev');
    assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0], {
      key: 'topology.berth.dev/zone',
      operator: 'In',
      values: ['az1'],
    });
    const [volume] = await volumes();
    assert.equal(volume.attributes.volumeType, 'ssd');
    assert.equal(volume.attributes.zone, 'az1');
    assert.equal(volume.attributes.tags['berth.dev/pvc-name'], 'd-data-0');
    assert.equal(volume.status, 'in-use');
    assert.equal(volume.attributes.attachment.serverId, await serverOf(pod.spec.nodeName));
  });

  test('drain: the pod starts on the other node with the same data', async () => {
    const from = (await dataPod())!.spec.nodeName as string;
    await k('drain', from, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s');
    const moved = await until(
      'data-0 Running elsewhere',
      async () => {
        const pod = await dataPod();
        return pod !== undefined && pod.spec.nodeName !== from ? pod : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    assert.equal((await k('exec', 'data-0', '--', 'cat', '/data/marker')).trim(), 'kept');
    const [volume] = await volumes();
    assert.equal(volume.attributes.attachment.serverId, await serverOf(moved.spec.nodeName));
    await k('uncordon', from);
  });

  test('node death: fenced, the attachment forced off, the data on the other node', async () => {
    const dead = (await dataPod())!.spec.nodeName as string;
    assert.ok(await crashMachine(env, await serverOf(dead)));
    const moved = await until(
      'data-0 Running on a live node',
      async () => {
        const pod = await dataPod();
        return pod !== undefined && pod.spec.nodeName !== dead ? pod : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 2000 },
    );
    assert.equal((await k('exec', 'data-0', '--', 'cat', '/data/marker')).trim(), 'kept');
    const taints = ((await json('get', 'node', dead)).spec.taints ?? []) as Json[];
    assert.ok(taints.some((t) => t.key === 'node.kubernetes.io/out-of-service'));
    const [volume] = await volumes();
    assert.equal(volume.attributes.attachment.serverId, await serverOf(moved.spec.nodeName));
  });

  test('a claim grows: the volume at once, the filesystem when the pod next mounts it', async () => {
    await k(
      'patch',
      'pvc',
      'd-data-0',
      '-p',
      '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}',
    );
    await until(
      'PV at 2 GiB and the volume grown',
      async () => {
        const pv = await json('get', 'pv', (await json('get', 'pvc', 'd-data-0')).spec.volumeName);
        const [volume] = await volumes();
        return pv.spec.capacity.storage === String(2 * GIB) && volume.attributes.sizeGb === 2
          ? true
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    await k('delete', 'pod', 'data-0', '--wait=true');
    await until('data-0 back', dataPod, { timeoutMs: 120_000, intervalMs: 1000 });
    const df = await k('exec', 'data-0', '--', 'df', '-k', '/data');
    const sizeKib = Number(df.trim().split('\n').at(-1)!.trim().split(/\s+/).at(-5));
    assert.ok(sizeKib > 1.8 * 1024 * 1024, `the pod sees ${sizeKib} KiB`);
    await until(
      'the claim reports 2 GiB',
      async () => {
        const claim = await json('get', 'pvc', 'd-data-0');
        return claim.status.capacity.storage === String(2 * GIB) ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.equal((await k('exec', 'data-0', '--', 'cat', '/data/marker')).trim(), 'kept');
  });

  test('a 30 GiB ssd claim for a pod in az2 lands in az2', async () => {
    await apply(
      'az2',
      `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: big}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ssd
  resources: {requests: {storage: 30Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: az2}
spec:
  terminationGracePeriodSeconds: 1
  nodeSelector: {topology.kubernetes.io/zone: az2}
  containers:
  - name: c
    image: ${toolbox}
    command: [sleep, '100000']
    volumeMounts: [{name: d, mountPath: /data}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: big}}]
`,
    );
    await k('wait', '--for=condition=Ready', 'pod/az2', '--timeout=120s');
    const pv = await json('get', 'pv', (await json('get', 'pvc', 'big')).spec.volumeName);
    assert.deepEqual(
      pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values,
      ['az2'],
    );
    const big = (await volumes()).find((v) => v.attributes.tags['berth.dev/pvc-name'] === 'big');
    assert.equal(big.attributes.zone, 'az2');
    assert.equal(big.attributes.sizeGb, 30);
    await k('delete', 'pod', 'az2', '--wait=true');
    await k('delete', 'pvc', 'big', '--wait=true');
    await until(
      'the 30 GiB volume deleted with its claim (Delete)',
      async () =>
        (await volumes()).some((v) => v.attributes.tags['berth.dev/pvc-name'] === 'big')
          ? undefined
          : true,
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
  });

  test('bad claims: a clear ProvisioningFailed, nothing created', async () => {
    const before = (await volumes()).length;
    await apply(
      'bad',
      `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: nowhere}
provisioner: berth.dev/volume
parameters: {type: ssd}
volumeBindingMode: Immediate
allowedTopologies:
- matchLabelExpressions: [{key: topology.berth.dev/zone, values: [az9]}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: no-zone}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: nowhere
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: no-class}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: gold
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: too-big}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ssd
  resources: {requests: {storage: 5000Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: too-big}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: c, image: '${toolbox}', command: [sleep, '100000'], volumeMounts: [{name: d, mountPath: /d}]}
  volumes: [{name: d, persistentVolumeClaim: {claimName: too-big}}]
`,
    );
    const expectFailure = (claim: string, pattern: RegExp) =>
      until(
        `${claim}: ProvisioningFailed ${pattern}`,
        async () => ((await claimEvents(claim)).some((m) => pattern.test(m)) ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 1000 },
      );
    await expectFailure('no-zone', /no such zone: az9/);
    await expectFailure('no-class', /storageclass.storage.k8s.io "gold" not found/);
    await expectFailure('too-big', /ssd volumes are at most 4096 GiB/);
    for (const claim of ['no-zone', 'no-class', 'too-big'])
      assert.equal((await json('get', 'pvc', claim)).status.phase, 'Pending');
    assert.equal((await volumes()).length, before, 'no volume was created');
    await k('delete', 'pod', 'too-big', '--wait=true');
    await k('delete', 'pvc', 'no-zone', 'no-class', 'too-big', '--wait=true');
  });

  test('Retain keeps the volume after its claim; Delete removes it', async () => {
    await apply(
      'retain',
      `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: keep}
provisioner: berth.dev/volume
parameters: {type: hdd}
reclaimPolicy: Retain
volumeBindingMode: Immediate
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: kept}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: keep
  resources: {requests: {storage: 1Gi}}
`,
    );
    await until(
      'kept Bound',
      async () => ((await json('get', 'pvc', 'kept')).status.phase === 'Bound' ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    const pvName = (await json('get', 'pvc', 'kept')).spec.volumeName as string;
    await k('delete', 'pvc', 'kept', '--wait=true');
    await until(
      'the PV Released',
      async () =>
        (await json('get', 'pv', pvName)).status.phase === 'Released' ? true : undefined,
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    await k('delete', 'pv', pvName, '--wait=true');
    await new Promise((r) => setTimeout(r, 5000)); // two storage passes
    const kept = (await volumes()).find((v) => v.attributes.tags['berth.dev/pv-name'] === pvName);
    assert.ok(kept, 'a Retain volume outlives its claim and PV');
    assert.equal(kept.attributes.volumeType, 'hdd');
    assert.equal(kept.status, 'available');

    await k('delete', 'statefulset', 'data', '--wait=true');
    await k('delete', 'pvc', 'd-data-0', '--wait=true');
    await until(
      'the StatefulSet volume deleted (Delete)',
      async () =>
        (await volumes()).some((v) => v.attributes.tags['berth.dev/pvc-name'] === 'd-data-0')
          ? undefined
          : true,
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    // The cluster's deletion (teardown) removes the retained one; the leak check proves it.
  });
});
