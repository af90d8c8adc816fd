/**
 * The provider conformance suite: the written contract (docs/contracts/provider.md) as node:test
 * scenarios. Every provider package runs it from its own test file:
 *
 * ```ts
 * runProviderConformance('memory', async () => {
 *   const provider = new MemoryProvider();
 *   return { provider, cleanup: async () => {} };
 * });
 * ```
 *
 * Each scenario gets a fresh provider from `makeProvider`, tags everything it creates with a
 * unique `berth.dev/conformance` tag, deletes it all afterwards and fails if anything is left.
 */
import { describe, it } from 'node:test';
import { abortScenarios } from './abort.scenarios.js';
import { catalogScenarios } from './catalog.scenarios.js';
import { ConformanceEnv } from './env.js';
import { floatingIpScenarios } from './floating-ip.scenarios.js';
import { loadBalancerScenarios } from './load-balancer.scenarios.js';
import { networkScenarios } from './network.scenarios.js';
import {
  resolveOptions,
  type ConformanceOptions,
  type MakeProvider,
  type ResolvedOptions,
} from './options.js';
import { placementScenarios } from './placement.scenarios.js';
import { routerScenarios } from './router.scenarios.js';
import type { Scenario, ScenarioGroup } from './scenario.js';
import { securityGroupScenarios } from './security-group.scenarios.js';
import { serverScenarios } from './server.scenarios.js';
import { volumeScenarios } from './volume.scenarios.js';

export type {
  ConformanceOptions,
  MakeProvider,
  ProviderCapability,
  ProviderUnderTest,
} from './options.js';
export { ConformanceEnv } from './env.js';
export { TEST_TLS_CERTIFICATE_PEM, TEST_TLS_PRIVATE_KEY_PEM } from './tls-fixture.js';

export const conformanceGroups: readonly ScenarioGroup[] = [
  catalogScenarios,
  networkScenarios,
  routerScenarios,
  serverScenarios,
  placementScenarios,
  securityGroupScenarios,
  loadBalancerScenarios,
  volumeScenarios,
  floatingIpScenarios,
  abortScenarios,
];

export function runProviderConformance(
  name: string,
  makeProvider: MakeProvider,
  options: ConformanceOptions = {},
): void {
  const resolved = resolveOptions(options);
  describe(`InfraProvider conformance: ${name}`, () => {
    for (const group of conformanceGroups) {
      describe(group.title, () => {
        for (const scenario of group.scenarios) registerScenario(scenario, makeProvider, resolved);
      });
    }
  });
}

function registerScenario(
  scenario: Scenario,
  makeProvider: MakeProvider,
  options: ResolvedOptions,
) {
  const missing = (scenario.needs ?? []).filter((c) => options.lacks.has(c));
  const skip = missing.length > 0 ? `provider lacks ${missing.join(', ')}` : false;
  it(scenario.name, { skip, timeout: options.testTimeoutMs }, async (t) => {
    const { provider, cleanup } = await makeProvider();
    try {
      const env = new ConformanceEnv(provider, options, t);
      await runThenTeardown(env, scenario);
    } finally {
      await cleanup();
    }
  });
}

/** Tears down also after a failure; a teardown failure then must not hide the first error. */
async function runThenTeardown(env: ConformanceEnv, scenario: Scenario): Promise<void> {
  try {
    await scenario.run(env);
  } catch (err) {
    await env.teardown().catch(() => undefined);
    throw err;
  }
  await env.teardown();
}
