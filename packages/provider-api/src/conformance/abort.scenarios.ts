import assert from 'node:assert/strict';
import type { ConformanceEnv } from './env.js';
import type { ScenarioGroup } from './scenario.js';

/** One call of every service, made with `signal`. */
async function callsWith(env: ConformanceEnv, signal: AbortSignal) {
  const p = env.provider;
  const { zone, flavor, volumeType, externalNetworkId } = await env.defaults();
  const named = (suffix: string) => ({ name: env.name(suffix), tags: env.tags });
  const calls: [string, () => Promise<unknown>][] = [
    ['networks.create', () => p.networks.create(named('net'), signal)],
    ['networks.list', () => p.networks.list({}, signal)],
    ['routers.create', () => p.routers.create(named('router'), signal)],
    ['servers.create', () => p.servers.create({ ...named('vm'), flavor, zone, ports: [] }, signal)],
    ['servers.get', () => p.servers.get({ id: 'any' }, signal)],
    [
      'serverGroups.create',
      () => p.serverGroups.create({ ...named('g'), policy: 'soft-anti-affinity' }, signal),
    ],
    ['securityGroups.create', () => p.securityGroups.create(named('sg'), signal)],
    ['catalog.listFlavors', () => p.catalog.listFlavors({}, signal)],
    ['networks.delete', () => p.networks.delete({ id: 'any' }, signal)],
  ];
  if (!env.options.lacks.has('volumes')) {
    calls.push([
      'volumes.create',
      () => p.volumes.create({ ...named('vol'), volumeType, sizeGb: 1, zone }, signal),
    ]);
  }
  if (!env.options.lacks.has('floatingIps')) {
    calls.push([
      'floatingIps.create',
      () => p.floatingIps.create({ ...named('fip'), floatingNetworkId: externalNetworkId }, signal),
    ]);
  }
  if (!env.options.lacks.has('loadBalancers')) {
    calls.push([
      'loadBalancers.create',
      () => p.loadBalancers.create({ ...named('lb'), vipSubnetId: 'any' }, signal),
    ]);
  }
  return calls;
}

export const abortScenarios: ScenarioGroup = {
  title: 'abort signal',
  scenarios: [
    {
      name: 'an already-aborted signal rejects every call with its reason and changes nothing',
      async run(env) {
        const controller = new AbortController();
        const reason = new Error('caller gave up');
        controller.abort(reason);
        for (const [method, call] of await callsWith(env, controller.signal)) {
          await assert.rejects(
            call(),
            (err) => err === reason,
            `${method} ignored the aborted signal`,
          );
        }
        const p = env.provider;
        assert.deepEqual(await p.networks.list({ tags: env.tags }, env.signal), []);
        assert.deepEqual(await p.servers.list({ tags: env.tags }, env.signal), []);
        assert.deepEqual(await p.securityGroups.list({ tags: env.tags }, env.signal), []);
      },
    },
    {
      name: 'aborting without a reason rejects with an AbortError',
      async run(env) {
        const controller = new AbortController();
        controller.abort();
        await assert.rejects(env.provider.networks.list({}, controller.signal), {
          name: 'AbortError',
        });
      },
    },
  ],
};
