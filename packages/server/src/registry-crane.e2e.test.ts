/**
 * The platform registry with an ordinary OCI client: crane (built as a Berth tool,
 * `berth components install tools`) pushes and pulls through `berth server`'s registry with a
 * Docker config holding Berth project tokens, exactly as `berth registry login` writes it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { cacheDirFromEnv, createComponentStore, defaultComponentsDir } from '@berth/components';
import { ProcessRunner } from '@berth/exec';
import { tarArchive } from '@berth/images';
import { freePort, skipUnless } from '@berth/test-kit';
import { createLogger } from './logger.js';
import { startServer } from './start-server.js';
import { logCapture } from './testing/app.js';

const run = promisify(execFile);
const components = createComponentStore({
  cacheDir: cacheDirFromEnv(process.env),
  componentsDir: defaultComponentsDir(),
  runner: new ProcessRunner(),
});
const pathOf = (binary: string) => components.path(binary, 'default').catch(() => undefined);
const crane = await pathOf('crane');
const skip = skipUnless({
  'crane (berth components install tools)': crane !== undefined,
  'the registry and images components (berth components install default)':
    (await pathOf('registry')) !== undefined && (await pathOf('busybox')) !== undefined,
});

const ADMIN = 'berth_registry-crane-admin-token-0123456789';

test(
  'crane pushes with a member token and pulls with a viewer token; refusals',
  { skip },
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-crane-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const server = await startServer({
      insecureHttp: true, // plain HTTP on loopback (api-tls.int.test.ts covers HTTPS)
      listen: '127.0.0.1:0',
      dataDir: path.join(dir, 'server'),
      adminToken: ADMIN,
      logger: createLogger({ destination: logCapture().stream }),
      print: () => {},
      registry: { port: await freePort() },
      env: { ...process.env, BERTH_REGISTRY: 'on' },
    });
    t.after(() => server.stop());
    const api = async (method: string, url: string, body?: unknown) =>
      (await (
        await fetch(`${server.url}${url}`, {
          method,
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
      ).json()) as { secret: string; endpoint: string; caCertificate: string };
    await api('POST', '/v1/projects', { metadata: { name: 'other' } });
    const member = (await api('POST', '/v1/projects/default/tokens', { name: 'm', role: 'member' }))
      .secret;
    const viewer = (await api('POST', '/v1/projects/default/tokens', { name: 'v', role: 'viewer' }))
      .secret;
    const stranger = (await api('POST', '/v1/projects/other/tokens', { name: 'o', role: 'admin' }))
      .secret;
    const { endpoint, caCertificate } = await api('GET', '/v1/registry');
    const caFile = path.join(dir, 'ca.crt');
    fs.writeFileSync(caFile, caCertificate);
    await server.registry!.published;

    /** crane with a Docker config whose auth for the endpoint is `token` (none: anonymous). */
    const craneAs = (token: string | undefined, ...args: string[]) => {
      const config = path.join(dir, `docker-${token ?? 'anonymous'}`);
      fs.mkdirSync(config, { recursive: true });
      const auths = token
        ? { [endpoint]: { auth: Buffer.from(`berth:${token}`).toString('base64') } }
        : {};
      fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ auths }));
      return run(crane!, args, {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: dir,
          DOCKER_CONFIG: config,
          SSL_CERT_FILE: caFile,
        },
        maxBuffer: 64 << 20,
        encoding: 'buffer',
      });
    };

    const layer = path.join(dir, 'layer.tar');
    fs.writeFileSync(
      layer,
      tarArchive([{ type: 'file', path: 'hello.txt', mode: 0o644, content: Buffer.from('hi\n') }]),
    );
    const ref = `${endpoint}/default/crane-app:1`;
    await craneAs(member, 'append', '-f', layer, '-t', ref);
    const digest = (await craneAs(viewer, 'digest', ref)).stdout.toString().trim();
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    const exported = (await craneAs(viewer, 'export', ref, '-')).stdout;
    assert.ok(exported.includes(Buffer.from('hello.txt')), 'the layer comes back');

    await assert.rejects(
      craneAs(viewer, 'append', '-f', layer, '-t', `${endpoint}/default/crane-app:2`),
    );
    await assert.rejects(craneAs(stranger, 'digest', ref));
    await assert.rejects(
      craneAs(stranger, 'append', '-f', layer, '-t', `${endpoint}/default/crane-app:3`),
    );
    await assert.rejects(craneAs(undefined, 'digest', ref));

    // Platform images: public pull, the toolbox is busybox with its applets.
    const toolbox = (await craneAs(undefined, 'export', `${endpoint}/berth/toolbox:latest`, '-'))
      .stdout;
    for (const name of ['bin/busybox', 'bin/sh', 'bin/ls', 'usr/bin/nc', 'usr/bin/nslookup'])
      assert.ok(toolbox.includes(Buffer.from(name)), `${name} in the toolbox`);
    const pause = JSON.parse(
      (await craneAs(undefined, 'config', `${endpoint}/berth/pause:v3.10.1`)).stdout.toString(),
    );
    assert.deepEqual(pause.config.Entrypoint, ['/pause']);
  },
);
