/**
 * The Monitoring tab end to end, in a real browser (Debian's Chromium via playwright-core)
 * against the real API and console bundle served by `buildApp` in this process, with a fake
 * Prometheus at the API's ClusterPrometheusApi port (the only fake; the real service-proxy path
 * is kube-bootstrap's kube-cluster-prometheus.e2e.test.ts). Dashboards of an installed addon,
 * refresh, Prometheus failing, a cluster without the addon and its Install button. Takes the
 * screenshot docs/console.md shows.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthClient } from '@berth/client';
import {
  FakePrometheus,
  defaultAnswer,
  prometheusSuccess,
  startInProcessBerth,
  type InProcessBerth,
} from '@berth/server/testing';
import {
  browserSkip,
  buildBundle,
  launch,
  REPO,
  screenshot,
  type Browser,
} from '../testing/browser.js';
import path from 'node:path';
import { dashboardQueries, PANELS } from '../lib/dashboards.js';

const CLUSTERS = '/projects/default/clusters';

/** A value that moves over the hour, different per query; whole numbers for pod counts. */
function wave(t: number, query: string): number {
  const v = 20 + 10 * Math.sin(t / 600) + (query.length % 7) * 3;
  return query.includes('namespace') ? Math.round(v) : Number(v.toFixed(2));
}

describe(
  'console monitoring tab in Chromium (fake Prometheus at the API port)',
  { skip: browserSkip },
  () => {
    let berth: InProcessBerth;
    let browser: Browser;
    let admin: BerthClient;
    const prometheus = new FakePrometheus();
    const pageErrors: string[] = [];

    before(async () => {
      buildBundle();
      berth = await startInProcessBerth({
        prometheus,
        addons: new Set(['monitoring']),
        consoleDir: path.join(REPO, 'packages/console/dist/web'),
      });
      admin = new BerthClient({ endpoint: berth.url, token: berth.token });
      for (const name of ['mon', 'plain'])
        await admin.clusters.create('default', { metadata: { name } });
      await admin.addons.install('default', 'mon', { name: 'monitoring' });
      // No controllers run here: play them, ending the create and install operations.
      for (const op of await berth.store.operations.listActive())
        await berth.store.operations.update(op.id, { phase: 'Succeeded', message: 'done' });
      for (const name of ['mon', 'plain']) {
        await berth.store.clusters.updateStatus({ project: 'default', name }, (s) => ({
          ...s,
          phase: 'Running',
          nodes: { ready: 2, total: 3 },
          ...(name === 'mon'
            ? {
                addons: [
                  { name: 'monitoring', version: '0.85.0-berth.2', phase: 'Installed' as const },
                ],
              }
            : {}),
        }));
      }
      browser = await launch();
      browser.page.on('pageerror', (err) => pageErrors.push(err.message));
      browser.page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) pageErrors.push(m.text());
      });
    });
    after(async () => {
      await browser?.close();
      await berth?.stop();
    });

    test('dashboards of an installed addon, refreshed every 30 s', async () => {
      const { page } = browser;
      // Prometheus's numbers: 3 nodes, 2 ready; the rest waves over the hour.
      prometheus.respond = (call) => {
        const q = call.params.query ?? '';
        if (call.endpoint !== 'query_range') return defaultAnswer(call);
        const level = (t: number) =>
          q === 'count(kube_node_info)' ? 3 : q.includes('Ready') ? 2 : wave(t, q);
        const { start, end, step } = {
          start: +call.params.start!,
          end: +call.params.end!,
          step: 60,
        };
        const values = (shift: number) => {
          const out: [number, string][] = [];
          for (let t = start; t <= end; t += step) out.push([t, String(level(t + shift))]);
          return out;
        };
        const result = q.includes('namespace')
          ? ['kube-system', 'berth-monitoring', 'berth-ingress'].map((namespace, i) => ({
              metric: { namespace },
              values: values(i * 900),
            }))
          : [{ metric: { verb: 'GET', entrypoint: 'web' }, values: values(0) }];
        return prometheusSuccess({ resultType: 'matrix', result });
      };
      await page.clock.install();
      await page.goto(`${berth.url}${CLUSTERS}/mon/monitoring`);
      await page.waitForURL(/\/sign-in\?next=/);
      await page.getByLabel('API token').fill(berth.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${berth.url}${CLUSTERS}/mon/monitoring`);
      const nodes = page.locator('[data-panel="nodes"] .legend');
      await nodes.getByText('nodes: 3 nodes').waitFor();
      await nodes.getByText('ready: 2 nodes').waitFor();
      for (const panel of PANELS)
        await page
          .locator(`[data-panel="${panel.id}"] svg path.series`)
          .first()
          .waitFor({ state: 'attached' });
      assert.equal(
        await page.getByRole('link', { name: 'Monitoring' }).getAttribute('aria-current'),
        'page',
      );
      const asked = prometheus.calls.filter((c) => c.cluster === 'mon');
      assert.deepEqual(
        [...new Set(asked.map((c) => c.params.query))].sort(),
        dashboardQueries().sort(),
      );
      assert.ok(asked.every((c) => c.endpoint === 'query_range' && c.params.step === '60'));
      await screenshot(page, 'monitoring');

      const before = prometheus.calls.length;
      await page.clock.fastForward(31_000);
      await page.waitForFunction(() => true);
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(
        prometheus.calls.length >= before + dashboardQueries().length,
        'refreshed after 30 s',
      );
    });

    test('Prometheus not answering: one banner with the reason', async () => {
      const { page } = browser;
      prometheus.respond = () => ({ unreachable: 'connect ECONNREFUSED 192.0.2.7:6443' });
      await page.reload();
      const banner = page.locator('.banner-bad');
      await banner.waitFor();
      assert.match(
        (await banner.textContent()) ?? '',
        /no answer through the cluster's API: connect ECONNREFUSED/,
      );
      assert.equal(await page.locator('.banner-bad').count(), 1);
    });

    test('no addon: the tab says so and a member installs it', async () => {
      const { page } = browser;
      await page.goto(`${berth.url}${CLUSTERS}/plain/monitoring`);
      await page.getByText('The monitoring addon is not installed in this cluster').waitFor();
      await page.getByRole('button', { name: 'Install monitoring' }).click();
      await page.getByText(/Installing \(operation op-/).waitFor();
      const addons = await admin.addons.list('default', 'plain');
      assert.deepEqual(
        addons.items.map((a) => a.name),
        ['monitoring'],
      );
      assert.deepEqual(pageErrors, []);
    });
  },
);
