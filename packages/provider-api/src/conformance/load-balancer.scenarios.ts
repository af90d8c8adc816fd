import assert from 'node:assert/strict';
import { hostRange } from '../ipam.js';
import { TEST_TLS_CERTIFICATE_PEM, TEST_TLS_PRIVATE_KEY_PEM } from './tls-fixture.js';
import { createLoadBalancer, waitForLoadBalancer } from './lb-helpers.js';
import { loadBalancerLifecycle } from './lb-lifecycle.scenario.js';
import { rejectsWithCode, type ScenarioGroup } from './scenario.js';

export const loadBalancerScenarios: ScenarioGroup = {
  title: 'load balancers',
  scenarios: [
    loadBalancerLifecycle,
    {
      name: 'HTTP listener with an HTTP monitor; incompatible pools rejected; delete cascades',
      needs: ['loadBalancers'],
      async run(env) {
        const lbs = env.provider.loadBalancers;
        const { subnet } = await env.network('net');
        const lb = await createLoadBalancer(env, 'ingress', subnet, 'SINGLE');
        assert.equal(lb.topology, 'SINGLE');
        const listener = await lbs.createListener(
          {
            name: env.name('http'),
            tags: env.tags,
            loadBalancerId: lb.id,
            protocol: 'HTTP',
            protocolPort: 80,
          },
          env.signal,
        );
        await waitForLoadBalancer(env, lb.id);
        await rejectsWithCode(
          lbs.createPool(
            {
              name: env.name('tcp'),
              tags: env.tags,
              loadBalancerId: lb.id,
              listenerId: listener.id,
              protocol: 'TCP',
              lbAlgorithm: 'ROUND_ROBIN',
            },
            env.signal,
          ),
          'BERTH_ERR_VALIDATION',
          'TCP pool behind an HTTP listener',
        );
        const pool = await lbs.createPool(
          {
            name: env.name('web'),
            tags: env.tags,
            loadBalancerId: lb.id,
            listenerId: listener.id,
            protocol: 'HTTP',
            lbAlgorithm: 'ROUND_ROBIN',
          },
          env.signal,
        );
        await waitForLoadBalancer(env, lb.id);
        const member = await lbs.createMember(
          {
            name: env.name('m'),
            tags: env.tags,
            poolId: pool.id,
            address: hostRange(subnet.cidr).end,
            protocolPort: 8080,
          },
          env.signal,
        );
        await waitForLoadBalancer(env, lb.id);
        const monitor = await lbs.createHealthMonitor(
          {
            name: env.name('hm'),
            tags: env.tags,
            poolId: pool.id,
            type: 'HTTP',
            delaySeconds: 5,
            timeoutSeconds: 3,
            maxRetries: 2,
            urlPath: '/healthz',
          },
          env.signal,
        );
        assert.equal(monitor.urlPath, '/healthz');
        assert.equal(monitor.httpMethod, 'GET');
        assert.equal(monitor.expectedCodes, '200');
        await waitForLoadBalancer(env, lb.id);
        await lbs.delete({ id: lb.id }, env.signal);
        for (const [what, get] of [
          ['listener', () => lbs.getListener({ id: listener.id }, env.signal)],
          ['pool', () => lbs.getPool({ id: pool.id }, env.signal)],
          ['member', () => lbs.getMember({ id: member.id }, env.signal)],
          ['monitor', () => lbs.getHealthMonitor({ id: monitor.id }, env.signal)],
        ] as const) {
          await rejectsWithCode(get(), 'BERTH_ERR_NOT_FOUND', `${what} after cascade delete`);
        }
      },
    },
    {
      name: 'a TERMINATED_HTTPS listener keeps its certificate and never returns the key',
      needs: ['loadBalancers', 'terminatedHttps'],
      async run(env) {
        const lbs = env.provider.loadBalancers;
        const { subnet } = await env.network('net');
        const lb = await createLoadBalancer(env, 'tls', subnet);
        const base = {
          tags: env.tags,
          loadBalancerId: lb.id,
          protocol: 'TERMINATED_HTTPS' as const,
          protocolPort: 443,
        };
        await rejectsWithCode(
          lbs.createListener({ ...base, name: env.name('no-cert') }, env.signal),
          'BERTH_ERR_VALIDATION',
          'TERMINATED_HTTPS without a certificate',
        );
        const listener = await lbs.createListener(
          {
            ...base,
            name: env.name('https'),
            insertHeaders: { xForwardedFor: true },
            tls: {
              certificatePem: TEST_TLS_CERTIFICATE_PEM,
              privateKeyPem: TEST_TLS_PRIVATE_KEY_PEM,
            },
          },
          env.signal,
        );
        assert.equal(listener.tlsCertificatePem, TEST_TLS_CERTIFICATE_PEM);
        assert.equal(listener.insertHeaders.xForwardedFor, true);
        await waitForLoadBalancer(env, lb.id);
        const fetched = await lbs.getListener({ id: listener.id }, env.signal);
        assert.ok(!JSON.stringify(fetched).includes('PRIVATE KEY'), 'private key returned');
      },
    },
  ],
};
