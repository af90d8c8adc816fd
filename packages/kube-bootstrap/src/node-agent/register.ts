/**
 * `node register.js --kubeconfig <file> --spec <file>`: the registration step of a simulated
 * worker, run by the server's agent before kwok (`restart: on-failure`, so a failure is retried
 * with backoff and success ends it). Paths are relative to the working directory (the server's
 * root). The server id comes from `BERTH_SERVER_ID` (set by the agent) and the node's address
 * from `BERTH_NODE_IP`, else the server's first non-loopback IPv4 address.
 */
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';
import { credentialsFromKubeconfig, KubeClient } from '../kube-client.js';
import type { NodeSpecFile } from '../node-spec.js';
import { registerNode } from './registration.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { kubeconfig: { type: 'string' }, spec: { type: 'string' } },
  });
  if (values.kubeconfig === undefined || values.spec === undefined)
    throw new Error('usage: register.js --kubeconfig FILE --spec FILE');
  const api = new KubeClient(credentialsFromKubeconfig(await readFile(values.kubeconfig, 'utf8')));
  const spec = JSON.parse(await readFile(values.spec, 'utf8')) as NodeSpecFile;
  const serverId = process.env.BERTH_SERVER_ID || spec.name;
  const nodeIp = process.env.BERTH_NODE_IP || firstAddress();
  const outcome = await registerNode({ api, spec, serverId, nodeIp });
  console.log(
    `node ${spec.name} ${outcome} (providerID berth://${serverId}, address ${nodeIp}) at ${api.server}`,
  );
}

function firstAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const v4 = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  return '127.0.0.1';
}

main().catch((err: unknown) => {
  console.error(`node registration failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
