import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controlPlaneHealth } from './control-plane-health.js';
import { isNotFound, KubeApiError, type KubeClient } from './kube-client.js';

const now = new Date('2026-06-01T12:00:00Z');
const masters = [0, 1, 2].map((i) => ({ name: `m${i}`, address: `10.0.0.${10 + i}` }));
const fresh = { spec: { holderIdentity: 'm0_x', renewTime: '2026-06-01T11:59:58Z' } };

/** An API answering from tables (the only boundary faked here), through the adapter's shape. */
function fakeApi(answers: {
  readyz?: { status: number; text: string };
  serving?: string[];
  leases?: Record<string, object | undefined>;
}): KubeClient {
  const leases = answers.leases ?? { 'kube-controller-manager': fresh, 'kube-scheduler': fresh };
  const apis = {
    discovery: {
      listNamespacedEndpointSlice: async () => ({
        items: [
          {
            endpoints: (answers.serving ?? masters.map((m) => m.address)).map((a) => ({
              addresses: [a],
            })),
          },
        ],
      }),
    },
    coordination: {
      readNamespacedLease: async ({ name }: { name: string }) => {
        const lease = leases[name];
        if (lease === undefined) throw new KubeApiError(404, 'NotFound', `lease ${name}`);
        return lease;
      },
    },
  };
  const call = (_what: string, fn: (k: typeof apis) => Promise<unknown>) => fn(apis);
  return {
    server: 'https://172.24.0.20:6443',
    raw: async () => answers.readyz ?? { status: 200, text: 'ok' },
    call,
    find: async (what: string, fn: (k: typeof apis) => Promise<unknown>) =>
      call(what, fn).catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      }),
  } as unknown as KubeClient;
}

test('control-plane health: each way it can fail, in words', async () => {
  const cases: [string, Parameters<typeof fakeApi>[0], boolean, string, RegExp][] = [
    [
      'all well',
      {},
      true,
      'ControlPlaneReady',
      /3\/3 masters serve the API at https:\/\/172\.24\.0\.20:6443/,
    ],
    [
      'apiserver not ready',
      {
        readyz: {
          status: 500,
          text: '[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed',
        },
      },
      false,
      'ApiServerNotReady',
      /not ready \(500\): etcd failed: reason withheld/,
    ],
    [
      'one master down',
      { serving: ['10.0.0.10', '10.0.0.12'] },
      false,
      'ControlPlaneDegraded',
      /not serving on m1 \(10\.0\.0\.11\) \(2\/3 masters serve\)/,
    ],
    [
      'quorum lost',
      { serving: ['10.0.0.10'] },
      false,
      'MastersNotServing',
      /m1 \(10\.0\.0\.11\), m2 \(10\.0\.0\.12\)/,
    ],
    [
      'no controller-manager leader yet',
      { leases: { 'kube-scheduler': fresh } },
      false,
      'KubeControllerManagerNotRunning',
      /kube-controller-manager has not elected a leader yet/,
    ],
    [
      'scheduler leader gone',
      {
        leases: {
          'kube-controller-manager': fresh,
          'kube-scheduler': { spec: { holderIdentity: 'm2_y', renewTime: '2026-06-01T11:58:00Z' } },
        },
      },
      false,
      'KubeSchedulerNotRunning',
      /m2_y last renewed its lease 120s ago/,
    ],
  ];
  for (const [name, answers, ready, reason, message] of cases) {
    const health = await controlPlaneHealth(fakeApi(answers), masters, now);
    assert.equal(health.ready, ready, name);
    assert.equal(health.reason, reason, name);
    assert.match(health.message, message, name);
  }
});
