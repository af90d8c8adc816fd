/**
 * One scenario's world: the provider, a unique ownership tag, helpers that build the usual
 * objects, and a teardown that deletes everything carrying the tag and checks nothing is left.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from 'node:test';
import type { Tags } from '../common.js';
import type { InfraProvider } from '../infra-provider.js';
import type { Network, Subnet } from '../networks.js';
import type { CreateServerInput, Server } from '../servers.js';
import type { ResolvedOptions } from './options.js';
import { deleteEverythingTagged, listEverythingTagged } from './teardown.js';

export interface ScenarioDefaults {
  zone: string;
  flavor: string;
  volumeType: string;
  externalNetworkId: string;
}

export class ConformanceEnv {
  readonly tags: Tags;
  readonly signal: AbortSignal;
  private readonly runId = randomUUID().slice(0, 8);
  private resolved: ScenarioDefaults | undefined;

  constructor(
    readonly provider: InfraProvider,
    readonly options: ResolvedOptions,
    readonly test: TestContext,
  ) {
    this.tags = { 'berth.dev/conformance': this.runId, 'berth.dev/managed-by': 'berth' };
    this.signal = new AbortController().signal;
  }

  /** A name unique to this scenario run. */
  name(suffix: string): string {
    return `cf-${this.runId}-${suffix}`;
  }

  async defaults(): Promise<ScenarioDefaults> {
    this.resolved ??= await resolveDefaults(this.provider, this.options, this.signal);
    return this.resolved;
  }

  async network(suffix: string, cidr = this.options.subnetCidr): Promise<NetworkWithSubnet> {
    const { networks } = this.provider;
    const network = await networks.create(
      { name: this.name(suffix), tags: this.tags },
      this.signal,
    );
    const subnet = await networks.createSubnet(
      { name: this.name(`${suffix}-subnet`), tags: this.tags, networkId: network.id, cidr },
      this.signal,
    );
    return { network, subnet };
  }

  /** Creates a server on `subnet` and waits until it is ACTIVE. */
  async server(
    suffix: string,
    subnet: Subnet,
    extra: Partial<CreateServerInput> = {},
  ): Promise<Server> {
    const { zone, flavor } = await this.defaults();
    const created = await this.provider.servers.create(
      {
        name: this.name(suffix),
        tags: this.tags,
        flavor,
        zone,
        ports: [{ networkId: subnet.networkId, subnetId: subnet.id }],
        ...extra,
      },
      this.signal,
    );
    return this.waitForServer(created.id, 'ACTIVE');
  }

  waitForServer(id: string, status: Server['status']): Promise<Server> {
    return this.waitFor(
      `server ${id} to be ${status}`,
      () => this.provider.servers.get({ id }, this.signal),
      (s) => s.status === status,
    );
  }

  /** Polls `read` until `done` holds or the wait timeout passes (then fails with the last value). */
  async waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + this.options.waitTimeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) {
        assert.fail(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
      }
      await sleep(this.options.pollIntervalMs);
    }
  }

  /** Deletes everything this scenario tagged, then asserts nothing is left. */
  async teardown(): Promise<void> {
    await deleteEverythingTagged(this.provider, this.tags, this.signal);
    const left = await listEverythingTagged(this.provider, this.tags, this.signal);
    assert.deepEqual(left, [], 'objects left after deleting everything tagged');
  }
}

export interface NetworkWithSubnet {
  network: Network;
  subnet: Subnet;
}

async function resolveDefaults(
  provider: InfraProvider,
  options: ResolvedOptions,
  signal: AbortSignal,
): Promise<ScenarioDefaults> {
  const { catalog, networks } = provider;
  const hypervisors = await catalog.listHypervisors({}, signal);
  const zones = (await catalog.listZones({}, signal)).filter(
    (z) => z.available && hypervisors.some((h) => h.zone === z.name && h.state === 'up'),
  );
  const flavors = [...(await catalog.listFlavors({}, signal))].sort(
    (a, b) => a.vcpus - b.vcpus || a.ramMiB - b.ramMiB,
  );
  const volumeTypes = await catalog.listVolumeTypes({}, signal);
  const external = await networks.list({ external: true }, signal);
  const picked = {
    zone: options.zone ?? zones[0]?.name,
    flavor: options.flavor ?? flavors[0]?.name,
    volumeType: options.volumeType ?? volumeTypes[0]?.name ?? '',
    externalNetworkId: options.externalNetworkId ?? external[0]?.id ?? '',
  };
  assert.ok(picked.zone, 'the provider offers no available zone with an up hypervisor');
  assert.ok(picked.flavor, 'the provider offers no flavor');
  return { ...picked, zone: picked.zone, flavor: picked.flavor };
}
