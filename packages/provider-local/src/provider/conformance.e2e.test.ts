/**
 * The shared provider conformance suite against the real local provider: every scenario gets a
 * fresh provider with its own name prefix, external CIDR and data dir, and after it the host
 * must hold nothing of it (leak check).
 */
import { test } from 'node:test';
import { runProviderConformance } from '@berth/provider-api/conformance';
import { assertNoLeaks, createE2eEnv, e2eSkip } from '../testing/e2e-env.js';
import { LocalProvider } from './local-provider.js';

if (e2eSkip === false) {
  runProviderConformance(
    'local',
    async () => {
      const env = await createE2eEnv();
      const provider = await LocalProvider.create({
        dataDir: env.dataDir,
        runner: env.runner,
        topology: { prefix: env.prefix, externalCidr: env.externalCidr },
        agents: { stopTimeoutMs: 5000 },
      });
      return {
        provider,
        cleanup: async () => {
          await assertNoLeaks(env);
        },
      };
    },
    { waitTimeoutMs: 20_000 },
  );
} else {
  test('provider conformance on the local provider', { skip: e2eSkip }, () => undefined);
}
