/**
 * `berth server` with its platform registry (memory provider: loopback only): GET /v1/registry,
 * the platform images published at start, a user's push and pull with project tokens, a
 * cluster's node pull credential, and the same CA after a restart.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cacheDirFromEnv, createComponentStore, defaultComponentsDir } from '@berth/components';
import { ProcessRunner } from '@berth/exec';
import { buildImage, fioVersion, MONITORING_IMAGE_PATHS, RegistryClient } from '@berth/images';
import { freePort, skipUnless } from '@berth/test-kit';
import { createLogger } from './logger.js';
import { startServer } from './start-server.js';
import { logCapture } from './testing/app.js';

const components = createComponentStore({
  cacheDir: cacheDirFromEnv(process.env),
  componentsDir: defaultComponentsDir(),
  runner: new ProcessRunner(),
});
const has = async (binary: string) =>
  components.path(binary, 'default').then(
    () => true,
    () => false,
  );
const defaultPause = components
  .resolve('default')
  .components.find((c) => c.name === 'pause')?.version;
const skip = skipUnless({
  'registry, pause, coredns and busybox components (berth components install default)':
    (await has('registry')) &&
    (await has('pause')) &&
    (await has('coredns')) &&
    (await has('busybox')),
});

test(
  'the server runs the registry, publishes platform images and authorises by project',
  { skip },
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-registry-server-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const logs = logCapture();
    const port = await freePort();
    const options = {
      insecureHttp: true, // plain HTTP on loopback (api-tls.int.test.ts covers HTTPS)
      listen: '127.0.0.1:0',
      dataDir: dir,
      adminToken: 'berth_registry-test-admin-token-0123456789',
      logger: createLogger({ destination: logs.stream }),
      print: () => {},
      registry: { port },
      berthVersion: '0.1.0',
      env: { ...process.env, BERTH_REGISTRY: 'on' },
    };
    const clients: RegistryClient[] = [];
    t.after(async () => {
      for (const c of clients) await c.close();
    });
    let server = await startServer(options);
    t.after(() => server.stop());
    const api = async (method: string, url: string, body?: unknown, token = options.adminToken) => {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const viewerToken = (
      await api('POST', '/v1/projects/default/tokens', { name: 'v', role: 'viewer' })
    ).body.secret;
    const memberToken = (
      await api('POST', '/v1/projects/default/tokens', { name: 'm', role: 'member' })
    ).body.secret;

    const info = await api('GET', '/v1/registry', undefined, viewerToken);
    assert.equal(info.status, 200);
    assert.equal(info.body.endpoint, `127.0.0.1:${port}`);
    assert.match(info.body.caCertificate, /^-----BEGIN CERTIFICATE-----/);
    const ca = info.body.caCertificate as string;
    const client = (password?: string) => {
      const c = new RegistryClient({
        endpoint: info.body.endpoint,
        caPem: ca,
        ...(password === undefined ? {} : { credentials: { username: 'me', password } }),
      });
      clients.push(c);
      return c;
    };

    const published = await server.registry!.published;
    const refs = published.flatMap((p) => p.tags.map((tag) => `${p.repository}:${tag}`));
    // berth/fio is there when the host has fio (scripts/install-host-deps --with-test-deps),
    // berth/traefik and berth/metrics-server:<version> when the cache holds the addons' binaries
    // (`--only addons`).
    const fio = hostFioVersion();
    const traefik = (await has('traefik'))
      ? components.resolve('default').components.find((c) => c.name === 'traefik')?.version
      : undefined;
    const metricsServers: string[] = [];
    for (const v of ['v0.8.0', 'v0.8.1'])
      if (await has(`metrics-server-${v}`)) metricsServers.push(v);
    // The older catalog version's Prometheus is its own component, published beside v3.16.0.
    const olderPrometheus = (await has('prometheus-v3.15.1')) ? ['v3.15.1'] : [];
    // And berth/<binary> for each monitoring addon binary the cache holds (`--only monitoring`).
    const monitoring: Record<string, string> = {};
    for (const binary of Object.keys(MONITORING_IMAGE_PATHS))
      if (await has(binary))
        monitoring[binary] = components
          .resolve('default')
          .components.find((c) => binary in c.spec.binaries)!.version;
    const addonRefs = Object.fromEntries(
      [...(traefik === undefined ? [] : [['traefik', traefik]]), ...Object.entries(monitoring)].map(
        ([binary, version]) => [binary, `127.0.0.1:${port}/berth/${binary}:${version}`],
      ),
    );
    // Every release's pause the cache holds (the default's at least): v3.10.1 and v3.10.2.
    const pauses = refs.filter((r) => r.startsWith('berth/pause:'));
    assert.ok(pauses.includes(`berth/pause:${defaultPause}`), pauses.join(', '));
    for (const r of pauses) assert.match(r, /^berth\/pause:v3\.10\.[12]$/);
    assert.deepEqual(
      refs.filter((r) => !r.startsWith('berth/pause:')).sort(),
      [
        'berth/coredns:v1.14.7',
        ...(fio === undefined ? [] : [`berth/fio:${fio}`, 'berth/fio:latest']),
        ...metricsServers.map((v) => `berth/metrics-server:${v}`),
        ...olderPrometheus.map((v) => `berth/prometheus:${v}`),
        ...Object.entries(monitoring).map(([binary, version]) => `berth/${binary}:${version}`),
        'berth/toolbox:0.1.0',
        'berth/toolbox:latest',
        ...(traefik === undefined ? [] : [`berth/traefik:${traefik}`]),
      ].sort(),
    );
    const toolbox = await client().pullImage('berth/toolbox', 'latest');
    const config = JSON.parse(toolbox.config.bytes.toString('utf8'));
    assert.deepEqual(config.config.Cmd, ['sh']);
    assert.ok(toolbox.layers[0]!.size > 1_000_000, 'the layer holds busybox');
    assert.deepEqual(server.registry!.nodes.platformImages('default'), {
      pause: `127.0.0.1:${port}/berth/pause:${defaultPause}`,
      coredns: `127.0.0.1:${port}/berth/coredns:v1.14.7`,
      ...(traefik === undefined ? {} : { traefik: `127.0.0.1:${port}/berth/traefik:${traefik}` }),
      addons: {
        ...addonRefs,
        ...Object.fromEntries(
          metricsServers.map((v) => [
            `metrics-server-${v}`,
            `127.0.0.1:${port}/berth/metrics-server:${v}`,
          ]),
        ),
        ...Object.fromEntries(
          olderPrometheus.map((v) => [
            `prometheus-${v}`,
            `127.0.0.1:${port}/berth/prometheus:${v}`,
          ]),
        ),
      },
    });

    const image = buildImage({
      files: [{ path: '/app', content: Buffer.from('app') }],
      cmd: ['/app'],
    });
    await client(memberToken).pushImage('default/app', ['1'], image);
    assert.equal(
      (await client(viewerToken).pullImage('default/app', '1')).manifest.digest,
      image.manifest.digest,
    );
    await assert.rejects(client(viewerToken).pushImage('default/app', ['2'], image), {
      code: 'BERTH_ERR_FORBIDDEN',
    });

    const created = await api('POST', '/v1/projects/default/clusters', {
      metadata: { name: 'c1' },
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const uid = (await api('GET', '/v1/projects/default/clusters/c1')).body.metadata.uid as string;
    const node = server.registry!.nodes.nodePullCredential({ project: 'default', uid });
    const nodeClient = new RegistryClient({
      endpoint: info.body.endpoint,
      caPem: ca,
      credentials: node,
    });
    clients.push(nodeClient);
    assert.equal(
      (await nodeClient.pullImage('default/app', '1')).manifest.digest,
      image.manifest.digest,
    );
    await assert.rejects(nodeClient.pushImage('default/app', ['3'], image), {
      code: 'BERTH_ERR_FORBIDDEN',
    });
    const forged = new RegistryClient({
      endpoint: info.body.endpoint,
      caPem: ca,
      credentials: { username: `berth-node.default.${uid}`, password: 'berthnode_forged' },
    });
    clients.push(forged);
    await assert.rejects(forged.pullImage('default/app', '1'), {
      code: 'BERTH_ERR_UNAUTHENTICATED',
    });

    await server.stop();
    server = await startServer(options);
    const again = await api('GET', '/v1/registry', undefined, viewerToken);
    assert.equal(again.body.caCertificate, ca, 'the CA survives a restart');
    const after = new RegistryClient({
      endpoint: again.body.endpoint,
      caPem: ca,
      credentials: { username: 'x', password: viewerToken },
    });
    clients.push(after);
    assert.equal(
      (await after.pullImage('default/app', '1')).manifest.digest,
      image.manifest.digest,
    );
    await server.registry!.published;
    assert.ok(
      !logs.text().includes(memberToken) && !logs.text().includes(viewerToken),
      'no token in the logs',
    );
    assert.ok(!logs.text().includes('PRIVATE KEY'), 'no key in the logs');
  },
);

test('without a registry, GET /v1/registry answers 501', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-registry-off-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const server = await startServer({
    insecureHttp: true, // plain HTTP on loopback (api-tls.int.test.ts covers HTTPS)
    listen: '127.0.0.1:0',
    dataDir: dir,
    adminToken: 'berth_registry-test-admin-token-0123456789',
    logger: createLogger({ destination: logCapture().stream }),
    print: () => {},
  });
  t.after(() => server.stop());
  const res = await fetch(`${server.url}/v1/registry`, {
    headers: { authorization: 'Bearer berth_registry-test-admin-token-0123456789' },
  });
  assert.equal(res.status, 501);
  assert.equal(((await res.json()) as { code: string }).code, 'BERTH_ERR_NOT_IMPLEMENTED');
});

/** `3.33` when the host has Debian's fio (what the server packs as `berth/fio`). */
function hostFioVersion(): string | undefined {
  if (!fs.existsSync('/usr/bin/fio')) return undefined;
  return fioVersion(execFileSync('/usr/bin/fio', ['--version'], { encoding: 'utf8' }));
}
