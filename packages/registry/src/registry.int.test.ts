/**
 * The real distribution registry (from the component cache) with Berth's token auth on
 * loopback, driven by Berth's OCI client: member pushes, viewer pulls, viewer push and other
 * projects refused, berth/* public, restart after a crash, nothing left running after stop.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cacheDirFromEnv, createComponentStore, defaultComponentsDir } from '@berth/components';
import { ProcessRunner } from '@berth/exec';
import { buildImage, RegistryClient } from '@berth/images';
import { createCertificateAuthority, issueCertificate } from '@berth/kube-bootstrap';
import { freePort, skipUnless, until } from '@berth/test-kit';
import { BERTH_PLATFORM, parseScopes, type RegistryPrincipal } from './access.js';
import { startRegistry, type RunningRegistry } from './service.js';

async function registryBinary(): Promise<string | undefined> {
  const store = createComponentStore({
    cacheDir: cacheDirFromEnv(process.env),
    componentsDir: defaultComponentsDir(),
    runner: new ProcessRunner(),
  });
  return store.path('registry', 'default').catch(() => undefined);
}

const binary = await registryBinary();
const skip = skipUnless({
  'the registry component (berth components install default)': binary !== undefined,
});

const PRINCIPALS: Record<string, RegistryPrincipal> = {
  berth_member: { subject: 'token:member', project: 'alpha', role: 'member' },
  berth_viewer: { subject: 'token:viewer', project: 'alpha', role: 'viewer' },
  berth_beta: { subject: 'token:beta', project: 'beta', role: 'admin' },
};

const quiet = { info: () => {}, warn: () => {} };

describe('the platform registry on loopback', { skip }, () => {
  let dir: string;
  let registry: RunningRegistry;
  let caPem: string;
  let endpoint: string;
  const clients: RegistryClient[] = [];
  const client = (password?: string) => {
    const c = new RegistryClient({
      endpoint,
      caPem,
      ...(password === undefined ? {} : { credentials: { username: 'someone', password } }),
    });
    clients.push(c);
    return c;
  };
  const image = buildImage({
    files: [{ path: '/hello', content: Buffer.from('hello from alpha\n'), mode: 0o644 }],
    cmd: ['/hello'],
  });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-registry-'));
    const ca = await createCertificateAuthority({ commonName: 'berth-registry-ca' });
    caPem = ca.certPem;
    const serving = await issueCertificate({
      ca,
      commonName: 'registry',
      usage: 'server',
      ipAddresses: ['127.0.0.1'],
    });
    const signer = await issueCertificate({
      ca,
      commonName: 'registry-token-signer',
      usage: 'client',
    });
    const port = await freePort();
    endpoint = `127.0.0.1:${port}`;
    registry = await startRegistry({
      binary: binary!,
      dataDir: dir,
      tls: serving,
      signer,
      listen: [{ host: '127.0.0.1', port }],
      authenticate: async (_user, password) => PRINCIPALS[password],
      logger: quiet,
    });
  });

  after(async () => {
    for (const c of clients) await c.close();
    await registry?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a member pushes; a second push uploads no blob', async () => {
    const member = client('berth_member');
    await member.pushImage('alpha/app', ['1.0', 'latest'], image);
    assert.deepEqual((await member.listTags('alpha/app')).sort(), ['1.0', 'latest']);
    assert.equal(await member.pushBlob('alpha/app', image.layers[0]!), false);
  });

  test('a viewer pulls the same bytes', async () => {
    const pulled = await client('berth_viewer').pullImage('alpha/app', '1.0');
    assert.equal(pulled.manifest.digest, image.manifest.digest);
    assert.equal(pulled.config.digest, image.config.digest);
    assert.deepEqual(pulled.layers[0]!.bytes, image.layers[0]!.bytes);
  });

  test('a viewer may not push', async () => {
    const other = buildImage({ files: [{ path: '/x', content: Buffer.from('viewer') }] });
    await assert.rejects(client('berth_viewer').pushImage('alpha/app', ['2.0'], other), {
      code: 'BERTH_ERR_FORBIDDEN',
    });
  });

  test('another project may neither pull nor push; bad credentials are refused', async () => {
    await assert.rejects(client('berth_beta').pullImage('alpha/app', '1.0'), {
      code: 'BERTH_ERR_FORBIDDEN',
    });
    await assert.rejects(client('berth_beta').pushImage('alpha/app', ['3.0'], image), {
      code: 'BERTH_ERR_FORBIDDEN',
    });
    await assert.rejects(client('berth_wrong').pullImage('alpha/app', '1.0'), {
      code: 'BERTH_ERR_UNAUTHENTICATED',
    });
    await assert.rejects(client().pullImage('alpha/app', '1.0'), { code: 'BERTH_ERR_FORBIDDEN' });
  });

  test('berth/* is pushed by Berth itself and pulled by anyone', async () => {
    const berth = new RegistryClient({
      endpoint,
      caPem,
      tokenFor: async (_challenge, scope) =>
        registry.tokens.mint(BERTH_PLATFORM, parseScopes([scope])).token,
    });
    clients.push(berth);
    await berth.pushImage('berth/hello', ['v1'], image);
    const pulled = await client().pullImage('berth/hello', 'v1');
    assert.equal(pulled.manifest.digest, image.manifest.digest);
    await assert.rejects(client('berth_member').pushImage('berth/hello', ['v2'], image), {
      code: 'BERTH_ERR_FORBIDDEN',
    });
  });

  test('the token endpoint answers the OAuth2 password grant over the front', async () => {
    const { Agent, fetch } = await import('undici');
    const dispatcher = new Agent({ connect: { ca: caPem } });
    try {
      const res = await fetch(`https://${endpoint}/auth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          username: 'u',
          password: 'berth_member',
          service: 'berth-registry',
          scope: 'repository:alpha/app:pull',
        }),
        dispatcher,
      });
      assert.equal(res.status, 200);
      assert.ok(((await res.json()) as { access_token?: string }).access_token);
      const v2 = await fetch(`https://${endpoint}/v2/`, { dispatcher });
      assert.equal(v2.status, 401);
      assert.equal(
        v2.headers.get('www-authenticate'),
        `Bearer realm="https://${endpoint}/auth/token",service="berth-registry"`,
      );
    } finally {
      await dispatcher.close();
    }
  });

  test('a crashed registry is restarted and keeps its data', async () => {
    const pid = registry.supervisor.pid!;
    process.kill(pid, 'SIGKILL');
    await until(
      'a new registry process',
      () => registry.supervisor.pid !== undefined && registry.supervisor.pid !== pid,
      {
        timeoutMs: 10_000,
      },
    );
    await until(
      'a pull after the restart',
      async () =>
        (await client('berth_viewer').pullImage('alpha/app', 'latest')).manifest.digest ===
        image.manifest.digest,
      { timeoutMs: 10_000 },
    );
    assert.ok(registry.supervisor.restarts >= 1);
  });

  test('stop ends the registry process', async () => {
    const pid = registry.supervisor.pid!;
    await registry.stop();
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  });
});
