/**
 * The node plugin as kubelet meets it: under a kubelet root directory, a registration socket
 * in plugins_registry answering GetInfo with the CSI endpoint, and on that endpoint the
 * driver's Identity (no controller) and Node services with the node's id and zone.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { FakeRunner } from '@berth/exec';
import { ZONE_KEY } from './capabilities.js';
import { DRIVER_NAME } from './identity.js';
import { startNodePlugin, type NodePlugin } from './node-plugin.js';
import { registrationService, type RegistrationStatus } from './registration.js';
import { csiClient, type CsiClient } from './testing/csi-client.js';
import { testCsiProto } from './testing/csi-proto.js';

type Unary = (req: object, cb: (err: Error | null, res: Record<string, unknown>) => void) => void;

describe('node plugin', () => {
  const kubeletDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelet-'));
  const events: Array<[string, Record<string, unknown>]> = [];
  let plugin: NodePlugin;
  let client: CsiClient;

  before(async () => {
    plugin = await startNodePlugin({
      protoFile: await testCsiProto(),
      nodeId: 'srv-1',
      zone: 'az2',
      deviceRoot: '/srv/root',
      kubeletDir,
      runner: new FakeRunner(),
      version: '0.1.0',
      log: (event, fields) => events.push([event, fields]),
    });
    client = csiClient(`unix://${plugin.csiSocket}`, await testCsiProto());
  });

  after(async () => {
    client.close();
    await plugin.stop();
    assert.deepEqual(fs.readdirSync(path.join(kubeletDir, 'plugins_registry')), []);
    fs.rmSync(kubeletDir, { recursive: true, force: true });
  });

  it('registers with kubelet through plugins_registry', async () => {
    assert.equal(
      plugin.registrationSocket,
      path.join(kubeletDir, 'plugins_registry', `${DRIVER_NAME}-reg.sock`),
    );
    const Ctor = grpc.makeGenericClientConstructor(registrationService(), 'Registration');
    const registration = new Ctor(
      `unix://${plugin.registrationSocket}`,
      grpc.credentials.createInsecure(),
    ) as unknown as Record<string, Unary> & grpc.Client;
    const call = (method: string, req: object) =>
      new Promise<Record<string, unknown>>((resolve, reject) =>
        registration[method]!.call(registration, req, (err, res) =>
          err ? reject(err) : resolve(res),
        ),
      );
    try {
      assert.deepEqual(await call('GetInfo', {}), {
        type: 'CSIPlugin',
        name: DRIVER_NAME,
        endpoint: path.join(kubeletDir, 'plugins', DRIVER_NAME, 'csi.sock'),
        supported_versions: ['1.0.0'],
      });
      const status: RegistrationStatus = { plugin_registered: false, error: 'bad version' };
      await call('NotifyRegistrationStatus', status);
      assert.deepEqual(events.at(-1), ['csi.registration-failed', { error: 'bad version' }]);
    } finally {
      registration.close();
    }
  });

  it('serves Identity without a controller, and Node with its id and zone', async () => {
    assert.equal((await client.identity.GetPluginInfo!()).name, DRIVER_NAME);
    const caps = (await client.identity.GetPluginCapabilities!()).capabilities as Array<{
      service?: { type: string };
    }>;
    assert.ok(!caps.some((c) => c.service?.type === 'CONTROLLER_SERVICE'));
    const info = await client.node.NodeGetInfo!();
    assert.equal(info.node_id, 'srv-1');
    assert.deepEqual(info.accessible_topology, { segments: { [ZONE_KEY]: 'az2' } });
  });
});
