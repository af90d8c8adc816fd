/**
 * The console with a real cluster: berth server on the local provider (real namespaces,
 * HAProxy and Kubernetes components, via the server's e2e harness), driven in Chromium:
 * create a cluster through the wizard, watch it reach Running, download its kubeconfig and
 * use it with kubectl, delete it by typing its name. The harness deletes whatever is left,
 * stops the server and checks that nothing leaked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  kubectl,
  skip as localSkip,
  startBerth,
  tearDownBerth,
  type Berth,
  type E2eEnv,
} from '@berth/server/testing';
import { until } from '@berth/test-kit';
import { browserSkip, buildBundle, launch, type Browser } from '../testing/browser.js';

const CLUSTER = 'uidemo';

describe(
  'console on the local provider, a real cluster',
  { skip: localSkip || browserSkip },
  () => {
    let env: E2eEnv;
    let b: Berth;
    let browser: Browser;
    let page: Page;
    let url: string;

    before(async () => {
      buildBundle();
      ({ env, b } = await startBerth());
      // Berth serves HTTPS by default; the browser trusts its API CA and nothing else.
      url = b.url;
      browser = await launch(undefined, { trustCaPem: b.caPem() });
      page = browser.page;
    });
    after(async () => {
      await browser?.close();
      if (env && b) await tearDownBerth(env, b);
    });

    test('create through the wizard, reach Running, download a kubeconfig kubectl can use', async () => {
      await page.goto(`${url}/projects/default/create`);
      await page.getByLabel('API token').fill(b.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${url}/projects/default/create`);
      await page.getByLabel('Name', { exact: true }).fill(CLUSTER);
      await page.getByLabel('Nodes').first().fill('1');
      await page.getByRole('button', { name: 'Create cluster' }).click();
      await page.waitForURL(`${url}/projects/default/clusters/${CLUSTER}`);
      await page.locator('#cluster-title [data-phase="Running"]').waitFor({ timeout: 10 * 60_000 });
      assert.match(await page.locator('.facts').innerText(), /https:\/\/[\d.]+:6443/);

      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download kubeconfig' }).click();
      const file = await download;
      assert.equal(file.suggestedFilename(), `${CLUSTER}.kubeconfig`);
      const kubeconfig = path.join(env.dataDir, `${CLUSTER}.kubeconfig`);
      await file.saveAs(kubeconfig);
      assert.match(fs.readFileSync(kubeconfig, 'utf8'), /^apiVersion: v1[\s\S]*clusters:/m);
      const nodes = await until(
        'a Ready node through the downloaded kubeconfig',
        async () => {
          const out = await kubectl(kubeconfig, 'get', 'nodes', '--no-headers');
          return / Ready /.test(out) ? out : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 1000 },
      );
      assert.match(nodes, new RegExp(`${CLUSTER}-default-`));

      await page.getByRole('link', { name: 'Nodes', exact: true }).click();
      await page.locator('table[aria-label="Nodes"] tbody tr').nth(1).waitFor();
      assert.match(
        await page.locator('table[aria-label="Nodes"]').innerText(),
        /master[\s\S]*worker/,
      );
    });

    test('delete through the console, confirmed by typing the name', async () => {
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel(`Type ${CLUSTER} to confirm`).fill(CLUSTER);
      await dialog.getByRole('button', { name: 'Delete cluster' }).click();
      await page.getByText(/does not exist \(any more\)/).waitFor({ timeout: 5 * 60_000 });
    });
  },
);
