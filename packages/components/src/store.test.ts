import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '@berth/errors';
import { FakeRunner } from '@berth/exec';
import type { InstallEvent } from './progress.js';
import { createFakeGo, storeWith, tempDir, versionsByPackage } from './test-support.js';

const isCode = (code: string) => (err: unknown) => err instanceof BerthError && err.code === code;

async function setup(t: { after(fn: () => Promise<void>): void }, goOptions = {}) {
  const tmp = await tempDir();
  t.after(tmp.remove);
  const probe = storeWith(
    tmp.dir,
    createFakeGo(() => ''),
  );
  const runner = createFakeGo(versionsByPackage(probe), goOptions);
  return { dir: tmp.dir, runner, store: storeWith(tmp.dir, runner) };
}

test('install builds every buildable binary once, in its module, static and local-toolchain', async (t) => {
  const { runner, store } = await setup(t);
  const events: InstallEvent[] = [];
  const result = await store.install('1.34', { onProgress: (e) => events.push(e) });
  const builds = runner.calls.filter((c) => c.command === 'go' && c.args[0] === 'build');
  assert.deepEqual(builds.map((c) => c.args.at(-1)).sort(), [
    'github.com/containerd/containerd/v2/cmd/containerd',
    'github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2',
    'github.com/containerd/containerd/v2/cmd/ctr',
    'github.com/containernetworking/plugins/plugins/ipam/host-local',
    'github.com/containernetworking/plugins/plugins/main/bridge',
    'github.com/containernetworking/plugins/plugins/main/loopback',
    'github.com/containernetworking/plugins/plugins/meta/portmap',
    'github.com/coredns/coredns',
    'github.com/distribution/distribution/v3/cmd/registry',
    'github.com/opencontainers/runc',
    'go.etcd.io/etcd/etcdctl/v3',
    'go.etcd.io/etcd/server/v3',
    'k8s.io/autoscaler/cluster-autoscaler',
    'k8s.io/kubernetes/cmd/kube-apiserver',
    'k8s.io/kubernetes/cmd/kube-controller-manager',
    'k8s.io/kubernetes/cmd/kube-proxy',
    'k8s.io/kubernetes/cmd/kube-scheduler',
    'k8s.io/kubernetes/cmd/kubelet',
    'sigs.k8s.io/kwok/cmd/kwok',
  ]);
  const apiserver = builds.find((c) => c.args.at(-1)?.endsWith('kube-apiserver'));
  assert.match(apiserver?.options.cwd ?? '', /components\/kubernetes-1\.34\/?$/);
  assert.deepEqual(apiserver?.options.env, { CGO_ENABLED: '0', GOTOOLCHAIN: 'local' });
  const kubelet = builds.find((c) => c.args.at(-1)?.endsWith('cmd/kubelet'));
  assert.equal(kubelet?.options.cwd, apiserver?.options.cwd, "kubelet: the control plane's module");
  const runc = builds.find((c) => c.args.at(-1) === 'github.com/opencontainers/runc');
  assert.deepEqual(runc?.options.env, { CGO_ENABLED: '1', GOTOOLCHAIN: 'local' });
  // pause: compiled from the release's k8s.io/kubernetes module source; busybox: from Debian.
  const lines = runner.lines();
  assert.ok(lines.includes('go mod download -json k8s.io/kubernetes'));
  assert.equal(lines.filter((l) => l.startsWith('gcc ')).length, 1);
  assert.equal(lines.filter((l) => l === 'apt-get download busybox-static').length, 1);
  const byName = Object.fromEntries(result.components.map((c) => [c.component, c.status]));
  assert.deepEqual(byName, {
    kubernetes: 'installed',
    'cluster-autoscaler': 'installed',
    pause: 'installed',
    coredns: 'installed',
    etcd: 'installed',
    kwok: 'installed',
    containerd: 'installed',
    runc: 'installed',
    'cni-plugins': 'installed',
    registry: 'installed',
    busybox: 'installed',
  });
  assert.ok(
    events.some((e) => e.type === 'binary-done' && e.binary === 'etcd' && e.source === 'built'),
  );
  // cluster-autoscaler with the externalgrpc cloud provider only (its build tag).
  const autoscaler = builds.find((c) => c.args.at(-1) === 'k8s.io/autoscaler/cluster-autoscaler');
  assert.equal(autoscaler?.args[autoscaler.args.indexOf('-tags') + 1], 'externalgrpc');
  assert.match(autoscaler?.options.cwd ?? '', /components\/cluster-autoscaler\/?$/);
});

test('--only node builds what a real node needs and nothing of the control plane', async (t) => {
  const { runner, store } = await setup(t);
  const result = await store.install('1.34', { only: ['node'] });
  const installed = result.components.flatMap((c) => c.installed.map((b) => b.name)).sort();
  assert.deepEqual(installed, [
    'bridge',
    'containerd',
    'containerd-shim-runc-v2',
    'ctr',
    'host-local',
    'kube-proxy',
    'kubelet',
    'loopback',
    'portmap',
    'runc',
  ]);
  assert.ok(!runner.lines().some((l) => l.includes('kube-apiserver') || l.includes('etcd')));
  for (const b of installed) assert.match(await store.path(b, '1.34'), new RegExp(`/${b}$`));
  await assert.rejects(store.install('1.34', { only: ['nodes'] }), isCode('BERTH_ERR_VALIDATION'));
});

test('addon binaries are built only when named: --only addons builds Traefik and each metrics-server, stamped', async (t) => {
  const { runner, store } = await setup(t);
  await store.install('1.34');
  assert.ok(!runner.lines().some((l) => l.includes('traefik')), 'a plain install leaves it out');
  assert.ok(!runner.lines().some((l) => l.includes('metrics-server')), 'and metrics-server');
  const result = await store.install('1.34', { only: ['addons'] });
  assert.deepEqual(
    result.components.flatMap((c) => c.installed.map((b) => b.name)),
    ['traefik', 'metrics-server-v0.8.0', 'metrics-server-v0.8.1'],
  );
  // One wrapper module per upstream version, each binary stamped with its own version.
  for (const version of ['0.8.0', '0.8.1']) {
    const ms = runner.calls.find(
      (c) =>
        c.args.at(-1) === 'sigs.k8s.io/metrics-server/cmd/metrics-server' &&
        /components\/metrics-server-[\d.]+\/?$/.test(c.options.cwd ?? '') &&
        (c.options.cwd ?? '').includes(version),
    );
    assert.ok(ms, `metrics-server ${version} built in its wrapper module`);
    assert.match(
      ms.args[ms.args.indexOf('-ldflags') + 1] ?? '',
      new RegExp(
        `-X k8s\\.io/client-go/pkg/version\\.gitVersion=v${version.replaceAll('.', '\\.')}( |$)`,
      ),
    );
    assert.match(
      await store.path(`metrics-server-v${version}`, '1.34'),
      new RegExp(`components/metrics-server-v${version}/v${version}/metrics-server-v${version}$`),
    );
  }
  const build = runner.calls.find(
    (c) => c.args.at(-1) === 'github.com/traefik/traefik/v3/cmd/traefik',
  );
  assert.match(build?.options.cwd ?? '', /components\/traefik\/?$/);
  const ldflags = build?.args[build.args.indexOf('-ldflags') + 1] ?? '';
  assert.match(
    ldflags,
    /-X github\.com\/traefik\/traefik\/v3\/pkg\/version\.Version=3\.\d+\.\d+( |$)/,
  );
  assert.match(await store.path('traefik', '1.34'), /components\/traefik\/v3\.\d+\.\d+\/traefik$/);
});

test('pause and busybox land in the cache under their own versions', async (t) => {
  const { store } = await setup(t);
  await store.install('1.34', { only: ['images'] });
  assert.match(await store.path('pause', '1.34'), /components\/pause\/v3\.\d+\.\d+\/pause$/);
  assert.match(await store.path('busybox', '1.34'), /components\/busybox\/1\.\d+\.\d+\/busybox$/);
  assert.match(await store.path('coredns', '1.34'), /components\/coredns\/v1\.\d+\.\d+\/coredns$/);
});

test('the manifest records name, version, sha256, size, source and build time', async (t) => {
  const { dir, store } = await setup(t);
  await store.install('1.34', { only: ['etcd'] });
  const etcdVersion =
    store.resolve('1.34').components.find((c) => c.name === 'etcd')?.version ?? '';
  const vdir = join(dir, 'components', 'etcd', etcdVersion);
  const manifest = JSON.parse(await readFile(join(vdir, 'manifest.json'), 'utf8'));
  const rec = manifest.binaries.etcd;
  assert.equal(rec.version, etcdVersion);
  assert.match(rec.sha256, /^[0-9a-f]{64}$/);
  assert.equal(rec.size, (await stat(join(vdir, 'etcd'))).size);
  assert.equal(rec.source, 'built');
  assert.equal(rec.installedAt, '2026-01-02T03:04:05.678Z');
  assert.equal(typeof rec.buildSeconds, 'number');
  assert.equal(manifest.binaries.etcdctl, undefined, 'only what was asked is installed');
});

test('a second install runs no command at all', async (t) => {
  const { runner, store } = await setup(t);
  await store.install('1.34');
  const before = runner.calls.length;
  const events: InstallEvent[] = [];
  const again = await store.install('1.34', { onProgress: (e) => events.push(e) });
  assert.equal(runner.calls.length, before);
  assert.ok(again.components.every((c) => c.status !== 'installed'));
  assert.deepEqual(
    events.map((e) => e.type),
    Array<string>(again.components.length).fill('cached'),
  );
});

test('path hands out verified binaries and refuses corrupt ones with a fix', async (t) => {
  const { runner, store } = await setup(t);
  await assert.rejects(
    store.path('kube-apiserver', '1.34'),
    (err: unknown) =>
      isCode('BERTH_ERR_COMPONENT_MISSING')(err) &&
      /berth components install 1\.34/.test(String(err)),
  );
  await store.install('1.34');
  const file = await store.path('kube-apiserver', '1.34');
  assert.match(file, /components\/kubernetes\/v1\.34\.\d+\/kube-apiserver$/);
  await appendFile(file, 'tampered');
  await assert.rejects(store.path('kube-apiserver', '1.34'), isCode('BERTH_ERR_COMPONENT_CORRUPT'));
  const goBuilds = () => runner.calls.filter((c) => c.command === 'go' && c.args[0] === 'build');
  const builds = goBuilds().length;
  await store.install('1.34');
  assert.equal(goBuilds().length, builds + 1, 'only the corrupt one is rebuilt');
  assert.equal(await store.path('kube-apiserver', '1.34'), file);
});

test('verify re-hashes what the quick check trusts', async (t) => {
  const { store } = await setup(t);
  await store.install('1.34', { only: ['etcdctl'] });
  const file = await store.path('etcdctl', '1.34');
  const stamp = 1_700_000_000; // whole seconds survive utimes exactly
  await utimes(file, stamp, stamp);
  await store.verify('1.34'); // re-stamps the file with its new mtime
  const bytes = await readFile(file);
  // Same size, same mtime, same inode: only a full hash can tell.
  bytes.write('VERSION', bytes.indexOf('version'));
  await writeFile(file, bytes);
  await utimes(file, stamp, stamp);
  const quick = (await store.status('1.34')).find((s) => s.component === 'etcd');
  assert.equal(quick?.binaries.find((b) => b.name === 'etcdctl')?.state, 'ok');
  const full = (await store.verify('1.34')).find((s) => s.component === 'etcd');
  assert.equal(full?.binaries.find((b) => b.name === 'etcdctl')?.state, 'corrupt');
});

test('two concurrent installs build each binary once', async (t) => {
  const { runner, store } = await setup(t, { buildMs: 150 });
  const events: InstallEvent[] = [];
  const results = await Promise.all([
    store.install('1.34', { only: ['etcd', 'etcdctl'], onProgress: (e) => events.push(e) }),
    store.install('1.34', { only: ['etcd', 'etcdctl'], onProgress: (e) => events.push(e) }),
  ]);
  assert.equal(runner.calls.filter((c) => c.command === 'go').length, 2);
  assert.deepEqual(results.map((r) => r.components[0]?.status).sort(), ['cached', 'installed']);
  assert.ok(events.some((e) => e.type === 'waiting-for-lock'));
});

test('a failed build reports go output and leaves nothing behind', async (t) => {
  const { store, runner } = await setup(t, { buildExit: 1 });
  await assert.rejects(
    store.install('1.34', { only: ['kwok'] }),
    (err: unknown) =>
      isCode('BERTH_ERR_COMPONENT_BUILD')(err) && /compile error: boom/.test(String(err)),
  );
  assert.deepEqual(await store.listCached(), []);
  await assert.rejects(store.path('kwok', '1.34'), isCode('BERTH_ERR_COMPONENT_MISSING'));
  const build = runner.calls.find((c) => c.command === 'go');
  assert.ok((build?.options.maxOutputChars ?? 0) > 0, 'a chatty build cannot fill memory');
});

test('an install interrupted during a build rejects with the reason it was aborted for', async (t) => {
  const tmp = await tempDir();
  t.after(tmp.remove);
  const interrupt = new AbortController();
  const reason = new Error('interrupted');
  // What the process runner does when the signal kills the child: the command fails.
  const runner = new FakeRunner().on('go build', () => {
    interrupt.abort(reason);
    throw new BerthError('BERTH_ERR_COMMAND_FAILED', 'go: The operation was aborted');
  });
  const store = storeWith(tmp.dir, runner);
  await assert.rejects(
    store.install('1.34', { only: ['kwok'], signal: interrupt.signal }),
    (err: unknown) => err === reason,
  );
  assert.deepEqual(await store.listCached(), []);
});

test('a binary that reports another version is refused', async (t) => {
  const { store } = await setup(t, { reportVersion: 'v9.9.9' });
  await assert.rejects(store.install('1.34', { only: ['etcd'] }), /does not report version v3\./);
});

test('listCached shows what is installed with sizes and sources', async (t) => {
  const { store } = await setup(t);
  await store.install('1.34', { only: ['kube-scheduler', 'kwok'] });
  const listed = await store.listCached();
  assert.deepEqual(
    listed.map((e) => `${e.component}:${e.binaries.map((b) => `${b.name}/${b.source}`).join(',')}`),
    ['kubernetes:kube-scheduler/built', 'kwok:kwok/built'],
  );
  assert.ok(listed.every((e) => e.binaries.every((b) => b.size > 0)));
});

test('tools install in their own modules, probed with their environment, outside any release', async (t) => {
  const { runner, store } = await setup(t);
  const results = await store.installTools();
  assert.deepEqual(results.map((r) => `${r.component}:${r.status}`).sort(), [
    'crane:installed',
    'csi-sanity:installed',
    'opentofu:installed',
    'terraform:installed',
  ]);
  const builds = runner.calls.filter((c) => c.command === 'go');
  const tofu = builds.find((c) => c.args.at(-1) === 'github.com/opentofu/opentofu/cmd/tofu');
  assert.match(tofu?.options.cwd ?? '', /components\/opentofu\/?$/);
  assert.match(tofu?.args.join(' ') ?? '', /-X github\.com\/opentofu\/opentofu\/version\.dev=no/);
  const probe = runner.calls.find(
    (c) => c.command.endsWith('/terraform') && c.args[0] === 'version',
  );
  assert.deepEqual(probe?.options.env, { CHECKPOINT_DISABLE: '1' }, 'terraform must not call home');
  // A tool's path does not depend on the release asked for.
  const path = await store.path('tofu', 'default');
  assert.match(path, /components\/opentofu\/v\d+\.\d+\.\d+\/tofu$/);
  assert.equal(await store.path('tofu', '1.35'), path);
  assert.ok((await store.status('tools')).every((s) => s.binaries.every((b) => b.state === 'ok')));
  // Releases do not carry the tools: installing one builds none of them.
  const before = builds.length;
  await store.install('1.34', { only: ['tofu', 'terraform'] });
  assert.equal(runner.calls.filter((c) => c.command === 'go').length, before);
});

test('a missing tool names the command that installs it', async (t) => {
  const { store } = await setup(t);
  await assert.rejects(
    store.path('terraform', 'default'),
    (err: unknown) =>
      isCode('BERTH_ERR_COMPONENT_MISSING')(err) &&
      /berth components install tools/.test(String(err)),
  );
  await store.installTools({ only: ['tofu'] });
  await store.path('tofu', 'default');
  await assert.rejects(store.path('terraform', 'default'), isCode('BERTH_ERR_COMPONENT_MISSING'));
});
