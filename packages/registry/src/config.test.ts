import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertGolden } from '@berth/test-kit';
import { renderRegistryConfig } from './config.js';

const testdata = fileURLToPath(new URL('../src/testdata/', import.meta.url));

test('registry configuration: unix socket, token auth with autoredirect, no deletes', () => {
  assertGolden(
    testdata,
    'config.yml',
    renderRegistryConfig({
      rootDirectory: '/var/lib/berth/registry/storage',
      socketPath: '/var/lib/berth/registry/registry.sock',
      service: 'berth-registry',
      issuer: 'berth',
      rootCertBundle: '/var/lib/berth/registry/token-signer.crt',
      tokenPath: '/auth/token',
      httpSecret: 'not-a-real-secret',
    }),
  );
});
