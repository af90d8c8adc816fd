/**
 * The real server with its controllers, over HTTP on loopback, against SQLite and PostgreSQL,
 * with the in-memory provider: a cluster with two node groups goes Provisioning → Running with
 * every condition True, a group scales, the cluster stops and starts, the event stream shows it
 * live, and delete removes it — each long action's operation ends Succeeded.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- replies are inspected structurally */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSecret } from '@berth/store';
import { storeBackends } from '@berth/store/testing';
import { createLogger } from './logger.js';
import { startServer, type RunningServer } from './start-server.js';
import { until } from '@berth/test-kit';

const token = generateSecret();
const CONDITIONS = [
  'NetworkReady',
  'SecurityGroupsReady',
  'LoadBalancerReady',
  'ControlPlaneReady',
  'NodesReady',
];

async function call(
  server: RunningServer,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined
        ? {}
        : {
            'content-type':
              method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
          }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function finished(server: RunningServer, reply: { status: number; json: any }): Promise<any> {
  assert.equal(reply.status, 202, JSON.stringify(reply.json));
  const id = reply.json.operation.id as string;
  return until(
    `operation ${id}`,
    async () => {
      const op = (await call(server, 'GET', `/v1/operations/${id}`)).json;
      return op.phase === 'Succeeded' || op.phase === 'Failed' ? op : undefined;
    },
    { timeoutMs: 20_000 },
  );
}

/** Reads the live event stream until `reason` arrives; returns every reason seen. */
async function streamUntil(
  server: RunningServer,
  cluster: string,
  reason: string,
): Promise<string[]> {
  const abort = new AbortController();
  const res = await fetch(`${server.url}/v1/projects/default/clusters/${cluster}/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const reasons: string[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (const match of buffer.matchAll(/"reason":"([A-Za-z]+)"/g)) reasons.push(match[1]!);
    buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    if (reasons.includes(reason)) break;
  }
  abort.abort();
  return reasons;
}

for (const backend of storeBackends()) {
  describe(`cluster lifecycle through the controllers (${backend.name})`, () => {
    let server: RunningServer;
    let dataDir: string;
    before(async () => {
      await backend.setUp();
      const options = await backend.freshOptions();
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-lifecycle-'));
      server = await startServer({
        insecureHttp: true, // plain HTTP on loopback (api-tls.int.test.ts covers HTTPS)
        listen: '127.0.0.1:0',
        dataDir,
        ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
        adminToken: token,
        logger: createLogger({ level: 'warn' }),
        print: () => undefined,
      });
    });
    after(async () => {
      await server?.stop();
      await backend.tearDown();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('creates, scales, stops, starts and deletes a cluster with two node groups', async () => {
      const created = await call(server, 'POST', '/v1/projects/default/clusters', {
        metadata: { name: 'life' },
        spec: {
          nodeGroups: [
            { name: 'web', count: 2 },
            {
              name: 'batch',
              count: 1,
              taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
            },
          ],
        },
      });
      assert.equal(created.json.cluster.status.phase, 'Provisioning');
      const seen = streamUntil(server, 'life', 'ClusterRunning');
      assert.equal((await finished(server, created)).phase, 'Succeeded');
      assert.ok((await seen).includes('CreateRequested'));

      const cluster = (await call(server, 'GET', '/v1/projects/default/clusters/life')).json;
      assert.equal(cluster.status.phase, 'Running');
      assert.equal(cluster.status.observedGeneration, cluster.metadata.generation);
      for (const type of CONDITIONS) {
        assert.equal(
          cluster.status.conditions.find((c: any) => c.type === type)?.status,
          'True',
          type,
        );
      }
      const nodes = (await call(server, 'GET', '/v1/projects/default/clusters/life/nodes')).json
        .items;
      assert.equal(nodes.length, 4);
      assert.deepEqual(nodes.map((n: any) => n.role).sort(), [
        'master',
        'worker',
        'worker',
        'worker',
      ]);

      const scaled = await call(
        server,
        'PATCH',
        '/v1/projects/default/clusters/life/nodegroups/web',
        { spec: { count: 4 } },
      );
      assert.equal((await finished(server, scaled)).phase, 'Succeeded');
      const web = (await call(server, 'GET', '/v1/projects/default/clusters/life/nodegroups/web'))
        .json;
      assert.equal(web.status.readyReplicas, 4);
      assert.equal(
        (await call(server, 'GET', '/v1/projects/default/servers')).json.items.length,
        6,
      );

      assert.equal(
        (
          await finished(
            server,
            await call(server, 'POST', '/v1/projects/default/clusters/life:stop'),
          )
        ).phase,
        'Succeeded',
      );
      assert.equal(
        (await call(server, 'GET', '/v1/projects/default/clusters/life')).json.status.phase,
        'Stopped',
      );
      const servers = (await call(server, 'GET', '/v1/projects/default/servers')).json.items;
      assert.ok(
        servers.every((s: any) => s.status === 'SHUTOFF'),
        JSON.stringify(servers.map((s: any) => s.status)),
      );
      assert.equal(
        (
          await finished(
            server,
            await call(server, 'POST', '/v1/projects/default/clusters/life:start'),
          )
        ).phase,
        'Succeeded',
      );

      assert.equal(
        (await finished(server, await call(server, 'DELETE', '/v1/projects/default/clusters/life')))
          .phase,
        'Succeeded',
      );
      assert.equal((await call(server, 'GET', '/v1/projects/default/clusters/life')).status, 404);
      for (const kind of [
        'servers',
        'networks',
        'routers',
        'securitygroups',
        'loadbalancers',
        'floatingips',
      ]) {
        assert.deepEqual(
          (await call(server, 'GET', `/v1/projects/default/${kind}`)).json.items,
          [],
          `${kind} left behind`,
        );
      }
    });
  });
}
