/**
 * A load balancer on the real local provider with real backends, for end-to-end tests and
 * benchmarks: a test-unique prefix and external CIDR, a tenant network behind a router, backend
 * servers running the test HTTP backend (http-backend.js) on port 8080, and an ACTIVE_STANDBY
 * load balancer whose VIP has a floating IP. The host reaches it only through that floating IP.
 * `destroy` deletes everything, stops what it started, and runs the leak checker.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type {
  HealthMonitorType,
  InsertHeaders,
  Listener,
  ListenerProtocol,
  LoadBalancer,
  Pool,
  PoolProtocol,
  Server,
  TlsCertificateInput,
} from '@berth/provider-api';
import { errorMessage } from '../agent/errors.js';
import { checkLeaks, type LeakReport } from '../leak-check.js';
import type { HealthManagerOptions } from '../provider/lb/health-manager.js';
import { LocalProvider } from '../provider/local-provider.js';
import { createE2eEnv, type E2eEnv } from './e2e-env.js';

export const BACKEND_PORT = 8080;
export const httpBackendScript = fileURLToPath(new URL('./http-backend.js', import.meta.url));

export interface LbTestbedOptions {
  /** Backend servers, named b0, b1, … Default 2. */
  backends?: number;
  /** Run the load balancer health manager at this interval (ms); off when undefined. */
  healthManagerIntervalMs?: number;
  onRepair?: HealthManagerOptions['onRepair'];
  /** Tenant subnet. Default 10.89.0.0/24. */
  cidr?: string;
}

export interface ListenerSetup {
  name: string;
  protocol: ListenerProtocol;
  port: number;
  poolProtocol: PoolProtocol;
  tls?: TlsCertificateInput;
  /** A monitor checking every second, one failure down, one success up. */
  monitor?: HealthMonitorType;
  insertHeaders?: Partial<InsertHeaders>;
}

export interface LbTestbed {
  env: E2eEnv;
  provider: LocalProvider;
  backends: Server[];
  lb: LoadBalancer;
  /** The floating IP of the VIP: the only address the host sends to. */
  fip: string;
  signal: AbortSignal;
  /** A listener whose default pool has every backend (port 8080) as a member. */
  addListener(setup: ListenerSetup): Promise<{ listener: Listener; pool: Pool }>;
  /** Deletes everything; returns the leak report and the cleanup steps that failed. */
  destroy(): Promise<{ leaks: LeakReport; errors: string[] }>;
}

const TAGS = { 'berth.dev/cluster': 'lb-testbed' };

export async function createLbTestbed(options: LbTestbedOptions = {}): Promise<LbTestbed> {
  const signal = new AbortController().signal;
  const env = await createE2eEnv();
  const provider = await LocalProvider.create({
    dataDir: env.dataDir,
    runner: env.runner,
    topology: { prefix: env.prefix, externalCidr: env.externalCidr },
    agents: { stopTimeoutMs: 5000 },
  });
  let stopHealthManager: (() => Promise<void>) | undefined;
  let routerId: string | undefined;
  let subnetId: string | undefined;
  const destroy = async () => {
    const errors: string[] = [];
    const step = async (what: string, work: () => Promise<unknown>) => {
      await work().catch((err: unknown) => errors.push(`${what}: ${errorMessage(err)}`));
    };
    await step('health manager', async () => stopHealthManager?.());
    const api = provider;
    for (const f of await api.floatingIps.list({ tags: TAGS }, signal))
      await step('floating IP', () => api.floatingIps.delete({ id: f.id }, signal));
    for (const l of await api.loadBalancers.list({ tags: TAGS }, signal))
      await step('load balancer', () => api.loadBalancers.delete({ id: l.id }, signal));
    for (const s of await api.servers.list({ tags: TAGS }, signal))
      await step('server', () => api.servers.delete({ id: s.id }, signal));
    if (routerId !== undefined && subnetId !== undefined) {
      const ids = { id: routerId, subnetId };
      await step('router interface', () => api.routers.removeInterface(ids, signal));
    }
    if (routerId !== undefined)
      await step('router', () => api.routers.delete({ id: routerId as string }, signal));
    for (const n of await api.networks.list({ tags: TAGS }, signal))
      await step('network', () => api.networks.delete({ id: n.id }, signal));
    const leaks = await checkLeaks({
      runner: env.runner,
      prefix: env.prefix,
      dataDir: env.dataDir,
      allowFiles: ['inventory.json'],
    });
    const clean = Object.values(leaks).every((list: unknown[]) => list.length === 0);
    if (clean && errors.length === 0) fs.rmSync(env.dataDir, { recursive: true, force: true });
    return { leaks, errors };
  };
  try {
    const network = await provider.networks.create({ name: 'lb-net', tags: TAGS }, signal);
    const subnet = await provider.networks.createSubnet(
      { name: 'lb-sub', tags: TAGS, networkId: network.id, cidr: options.cidr ?? '10.89.0.0/24' },
      signal,
    );
    subnetId = subnet.id;
    const external = { networkId: provider.ctx.external.networkId };
    routerId = (
      await provider.routers.create({ name: 'lb-r', tags: TAGS, externalGateway: external }, signal)
    ).id;
    await provider.routers.addInterface({ id: routerId, subnetId }, signal);
    const backends: Server[] = [];
    for (let i = 0; i < (options.backends ?? 2); i++) {
      const name = `b${i}`;
      const command = [process.execPath, httpBackendScript, name, String(BACKEND_PORT)];
      const userData = { files: [], services: [{ name: 'http-backend', command }] };
      backends.push(
        await provider.servers.create(
          {
            name,
            tags: TAGS,
            flavor: 'std-1-1',
            zone: 'az1',
            ports: [{ networkId: network.id }],
            userData,
          },
          signal,
        ),
      );
    }
    const lb = await provider.loadBalancers.create(
      { name: 'lb', tags: TAGS, vipSubnetId: subnetId, topology: 'ACTIVE_STANDBY' },
      signal,
    );
    const fip = (
      await provider.floatingIps.create(
        { name: 'lb-fip', tags: TAGS, floatingNetworkId: external.networkId, portId: lb.vipPortId },
        signal,
      )
    ).address;
    if (options.healthManagerIntervalMs !== undefined) {
      stopHealthManager = provider.startLoadBalancerHealthManager({
        intervalMs: options.healthManagerIntervalMs,
        ...(options.onRepair === undefined ? {} : { onRepair: options.onRepair }),
      });
    }
    const addListener = (setup: ListenerSetup) => addListenerTo(provider, lb, backends, setup);
    return { env, provider, backends, lb, fip, signal, addListener, destroy };
  } catch (err) {
    await destroy();
    throw err;
  }
}

async function addListenerTo(
  provider: LocalProvider,
  lb: LoadBalancer,
  backends: Server[],
  setup: ListenerSetup,
): Promise<{ listener: Listener; pool: Pool }> {
  const signal = new AbortController().signal;
  const api = provider.loadBalancers;
  const common = { tags: TAGS, loadBalancerId: lb.id };
  const listener = await api.createListener(
    {
      ...common,
      name: setup.name,
      protocol: setup.protocol,
      protocolPort: setup.port,
      ...(setup.tls === undefined ? {} : { tls: setup.tls }),
      ...(setup.insertHeaders === undefined ? {} : { insertHeaders: setup.insertHeaders }),
    },
    signal,
  );
  const pool = await api.createPool(
    {
      ...common,
      name: setup.name,
      listenerId: listener.id,
      protocol: setup.poolProtocol,
      lbAlgorithm: 'ROUND_ROBIN',
    },
    signal,
  );
  for (const b of backends) {
    const address = b.ports[0]?.fixedIp ?? '';
    await api.createMember(
      { name: b.name, tags: TAGS, poolId: pool.id, address, protocolPort: BACKEND_PORT },
      signal,
    );
  }
  if (setup.monitor !== undefined) {
    await api.createHealthMonitor(
      {
        name: setup.name,
        tags: TAGS,
        poolId: pool.id,
        type: setup.monitor,
        delaySeconds: 1,
        timeoutSeconds: 1,
        maxRetries: 1,
        maxRetriesDown: 1,
        ...(setup.monitor === 'HTTP' ? { urlPath: '/healthz' } : {}),
      },
      signal,
    );
  }
  return { listener, pool: await api.getPool({ id: pool.id }, signal) };
}
