/**
 * Upstream's CSI conformance suite, csi-sanity (kubernetes-csi/csi-test v5, built as a Berth
 * tool), against the driver on the local provider: the Controller drives real provider
 * volumes, the Node service stages and publishes inside a real server's mount namespace (its
 * devices at `root/dev/vdX`), as it would run on a node. Every spec that applies must pass;
 * the counts are reported. Afterwards nothing of the provider is left on the host.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cacheDirFromEnv, createComponentStore, defaultComponentsDir } from '@berth/components';
import { ProcessRunner } from '@berth/exec';
import type { Server } from '@berth/provider-api';
import { LocalProvider } from '@berth/provider-local';
import { assertNoLeaks, createE2eEnv, e2eSkip, type E2eEnv } from '@berth/provider-local/testing';
import { skipUnless, until } from '@berth/test-kit';
import { GIB } from './capabilities.js';
import { ControllerService } from './controller.js';
import { startCsiServer, type CsiServer } from './csi-server.js';
import { DRIVER_NAME, IdentityService } from './identity.js';
import { CommandMountHost } from './mount-host.js';
import { MountNamespaceRunner } from './mount-namespace-runner.js';
import { NodeService } from './node.js';
import { ProviderVolumes } from './provider-volumes.js';
import { testCsiProto } from './testing/csi-proto.js';

const signal = new AbortController().signal;
const tags = { 'berth.dev/cluster': 'csi-sanity' };
const components = createComponentStore({
  cacheDir: cacheDirFromEnv(process.env),
  componentsDir: defaultComponentsDir(),
  runner: new ProcessRunner(),
});
const sanity = await components.path('csi-sanity', 'default').catch(() => undefined);
const skip =
  e2eSkip || skipUnless({ 'csi-sanity (berth components install tools)': sanity !== undefined });

/** csi-sanity's summary: `Ran N of M Specs … -- P Passed | F Failed | x Pending | S Skipped`. */
export function sanityCounts(output: string) {
  const ran = /Ran (\d+) of (\d+) Specs/.exec(output);
  const counts = /(\d+) Passed \| (\d+) Failed \| (\d+) Pending \| (\d+) Skipped/.exec(output);
  if (ran === null || counts === null) return undefined;
  const [passed, failed, pending, skipped] = counts.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
  ];
  return { ran: Number(ran[1]), total: Number(ran[2]), passed, failed, pending, skipped };
}

describe(
  'csi-sanity against the driver on the local provider',
  { skip, concurrency: false },
  () => {
    let env: E2eEnv;
    let provider: LocalProvider;
    let server: Server;
    let csi: CsiServer;
    let workDir: string;

    before(async () => {
      env = await createE2eEnv();
      provider = await LocalProvider.create({
        dataDir: env.dataDir,
        runner: env.runner,
        topology: { prefix: env.prefix, externalCidr: env.externalCidr },
        agents: { stopTimeoutMs: 5000 },
      });
      const network = await provider.networks.create({ name: 'net', tags }, signal);
      const subnet = await provider.networks.createSubnet(
        { name: 'sub', tags, networkId: network.id, cidr: '10.91.0.0/24' },
        signal,
      );
      const created = await provider.servers.create(
        {
          name: 'node-1',
          tags,
          flavor: 'std-1-1',
          zone: 'az1',
          ports: [{ networkId: network.id, subnetId: subnet.id }],
        },
        signal,
      );
      server = await until('node-1 ACTIVE', async () => {
        const s = await provider.servers.get({ id: created.id }, signal);
        return s.status === 'ACTIVE' && s;
      });
      // Outside the provider's data dir, so its leak check sees only the provider's own files.
      workDir = fs.mkdtempSync(`${env.dataDir}-sanity-`);
      const serverDir = path.join(env.dataDir, 'servers', server.id);
      csi = await startCsiServer({
        socket: path.join(workDir, 'csi.sock'),
        protoFile: await testCsiProto(),
        identity: new IdentityService({ version: '0.1.0', controller: true }),
        controller: new ControllerService({
          port: new ProviderVolumes({ provider, driverName: DRIVER_NAME, scope: tags }),
          defaultVolumeType: 'ssd',
        }),
        node: new NodeService({
          host: new CommandMountHost(
            new MountNamespaceRunner(env.runner, path.join(serverDir, 'ns', 'mnt')),
          ),
          nodeId: server.id,
          zone: 'az1',
          deviceRoot: path.join(serverDir, 'root'),
        }),
      });
    });

    after(async () => {
      await csi?.stop();
      for (const v of await provider.volumes.list({ tags }, signal)) {
        await provider.volumes.detach({ id: v.id, force: true }, signal);
      }
      for (const s of await provider.servers.list({ tags }, signal)) {
        await provider.servers.delete({ id: s.id }, signal);
      }
      const leftVolumes = await provider.volumes.list({ tags }, signal);
      for (const v of leftVolumes) await provider.volumes.delete({ id: v.id }, signal);
      for (const n of await provider.networks.list({ tags }, signal)) {
        await provider.networks.delete({ id: n.id }, signal);
      }
      fs.rmSync(workDir, { recursive: true, force: true });
      assert.deepEqual(leftVolumes, [], 'csi-sanity deleted every volume it created');
      await assertNoLeaks(env);
    });

    it('passes every spec that applies', { timeout: 900_000 }, async (t) => {
      const out = await env.runner.run(
        sanity!,
        [
          `-csi.endpoint=${csi.endpoint}`,
          `-csi.stagingdir=${path.join(workDir, 'staging')}`,
          `-csi.mountdir=${path.join(workDir, 'mount')}`,
          `-csi.testvolumesize=${GIB}`,
          `-csi.junitfile=${path.join(workDir, 'junit.xml')}`,
          '-ginkgo.no-color',
        ],
        { check: false, timeoutMs: 840_000 },
      );
      const counts = sanityCounts(out.stdout);
      t.diagnostic(`csi-sanity: ${JSON.stringify(counts)}`);
      const failures = out.stdout
        .split('\n')
        .filter((l) => l.includes('[FAIL]'))
        .slice(0, 20)
        .join('\n');
      assert.ok(
        counts !== undefined,
        `no summary from csi-sanity:\n${out.stdout.slice(-3000)}\n${out.stderr.slice(-2000)}`,
      );
      assert.equal(counts.failed, 0, `csi-sanity failures:\n${failures}`);
      assert.equal(out.exitCode, 0);
      assert.ok(counts.passed >= 50, `only ${counts.passed} specs passed`);
    });
  },
);
