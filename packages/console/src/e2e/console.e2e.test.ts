/**
 * The console end to end, in a real browser (Debian's Chromium via playwright-core) against a
 * real `berth server` (memory provider, provider calls slowed so phases can be watched): sign
 * in, create a cluster through the wizard and watch it reach Running without a reload, scale
 * a group, ask for the kubeconfig, stop and start, see a bad CIDR's field error, see that a
 * viewer gets no destructive buttons (and that the API refuses them anyway), delete. Takes
 * the screenshots docs/console.md shows.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { BerthClient, isApiError } from '@berth/client';
import { browserSkip, buildBundle, launch, screenshot, type Browser } from '../testing/browser.js';
import { startMemoryBerth, type MemoryBerth } from '../testing/memory-server.js';

const LIVE = 20_000;

/** A marker that survives only as long as the page is not reloaded. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { berthMark: number }).berthMark = 42));
}
async function notReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { berthMark?: number }).berthMark === 42);
}

const headerPhase = (page: Page) => page.locator('#cluster-title [data-phase]');

describe(
  'console in Chromium against berth server (memory provider)',
  { skip: browserSkip },
  () => {
    let berth: MemoryBerth;
    let browser: Browser;
    let page: Page;
    let admin: BerthClient;
    /** Script errors and CSP refusals seen in the page: none are expected. */
    const pageErrors: string[] = [];

    before(async () => {
      buildBundle();
      berth = await startMemoryBerth({ BERTH_MEMORY_PROVIDER_DELAY_MS: '60' });
      admin = new BerthClient({ endpoint: berth.url, token: berth.token });
      browser = await launch();
      page = browser.page;
      page.on('pageerror', (err) => pageErrors.push(err.message));
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) pageErrors.push(m.text());
      });
    });
    after(async () => {
      await browser?.close();
      await berth?.stop();
    });

    test('sign in: the token stays out of the URL and storage outlives no tab', async () => {
      await page.goto(`${berth.url}/projects/default/clusters`);
      await page.waitForURL(/\/sign-in\?next=/);
      await page.getByLabel('API token').fill('berth_not_a_token_at_all_0000000000');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('This token is unknown, revoked or expired.').waitFor();
      await page.getByLabel('API token').fill(berth.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${berth.url}/projects/default/clusters`);
      assert.ok(!page.url().includes(berth.token));
      const stored = await page.evaluate(() => ({
        session: sessionStorage.getItem('berth.token'),
        local: JSON.stringify(localStorage),
        cookies: document.cookie,
      }));
      assert.equal(stored.session, berth.token);
      assert.ok(!stored.local.includes(berth.token) && !stored.cookies.includes(berth.token));
    });

    test('a bad CIDR shows the API field error next to the field', async () => {
      await page.getByRole('link', { name: 'Create cluster' }).click();
      await page.getByLabel('Name', { exact: true }).fill('badnet');
      await page.getByLabel('Pods CIDR').fill('10.100.0.0/33');
      await page.getByRole('button', { name: 'Create cluster' }).click();
      const field = page.locator('[data-field="spec.network.podsCidr"]');
      await field.locator('.field-error').waitFor();
      assert.match(await field.locator('.field-error').innerText(), /podsCidr|CIDR/i);
      assert.equal(await page.getByLabel('Pods CIDR').getAttribute('aria-invalid'), 'true');
      await screenshot(page, 'create-field-error');
      await assert.rejects(
        admin.clusters.get('default', 'badnet'),
        (e) => isApiError(e) && e.status === 404,
      );
    });

    test('create through the wizard and watch it reach Running live', async () => {
      await page.goto(`${berth.url}/projects/default/create`);
      await page.getByLabel('Name', { exact: true }).fill('web');
      await page.locator('input[name=masters][value="3"]').check();
      await page.getByLabel('az2').check();
      await page.getByLabel('Nodes').first().fill('2');
      await page.getByLabel('Labels').first().fill('tier=web');
      const command = await page.getByTestId('berth-command').innerText();
      assert.equal(
        command,
        'berth cluster create web --masters 3 --zones az1,az2 --nodegroup default:count=2,label=tier=web --wait',
      );
      await screenshot(page, 'create');
      await page.getByRole('button', { name: 'Create cluster' }).click();
      await page.waitForURL(`${berth.url}/projects/default/clusters/web`);
      await markPage(page);
      await page.locator('.operation').waitFor();
      await headerPhase(page).filter({ hasText: 'Running' }).waitFor({ timeout: LIVE });
      assert.ok(await notReloaded(page), 'the phase arrived without a reload');
      await page.locator('.operation-succeeded').waitFor({ timeout: LIVE });
      const cluster = await admin.clusters.get('default', 'web');
      assert.equal(cluster.spec.controlPlane.count, 3);
      assert.deepEqual(cluster.spec.nodeGroups[0]?.labels, { tier: 'web' });
      await screenshot(page, 'cluster');
    });

    test('the list follows phase changes the API records, without a reload', async () => {
      await admin.clusters.create('default', { metadata: { name: 'api-made' } });
      await page.getByRole('link', { name: 'Clusters', exact: true }).first().click();
      await markPage(page);
      const row = page.locator('tr[data-cluster="api-made"]');
      await row.locator('[data-phase="Running"]').waitFor({ timeout: LIVE });
      await admin.clusters.stop('default', 'api-made');
      await row
        .locator('[data-phase="Stopping"], [data-phase="Stopped"]')
        .first()
        .waitFor({ timeout: 5_000 });
      await row.locator('[data-phase="Stopped"]').waitFor({ timeout: LIVE });
      assert.ok(await notReloaded(page));
      assert.match(
        await page.locator('tr[data-cluster="web"]').innerText(),
        /Running[\s\S]*3[\s\S]*2\/2/,
      );
      await screenshot(page, 'clusters');
    });

    test('scale a node group from the node groups tab', async () => {
      await page.goto(`${berth.url}/projects/default/clusters/web/nodegroups`);
      await page.getByRole('button', { name: 'Edit default' }).click();
      const form = page.getByRole('form', { name: 'Edit node group default' });
      await form.getByLabel('Nodes').fill('4');
      await form.getByRole('button', { name: 'Save' }).click();
      await page
        .locator('tr[data-group="default"]')
        .filter({ hasText: '4/4' })
        .waitFor({ timeout: LIVE });
      assert.equal((await admin.nodeGroups.get('default', 'web', 'default')).spec.count, 4);
      await page.locator('.operation-succeeded').waitFor({ timeout: LIVE });
      await page
        .locator('.facts')
        .filter({ hasText: 'nodes 4/4 ready' })
        .waitFor({ timeout: LIVE });
      await screenshot(page, 'nodegroups');
      await page.getByRole('link', { name: 'Nodes', exact: true }).click();
      await page.locator('table[aria-label="Nodes"] tbody tr').nth(6).waitFor({ timeout: LIVE });
      const rows = await page.locator('table[aria-label="Nodes"] tbody tr').count();
      assert.equal(rows, 7, '3 masters and 4 workers');
    });

    test('kubeconfig: the memory provider has none, and the console says so', async () => {
      await page.goto(`${berth.url}/projects/default/clusters/web`);
      await page.getByRole('button', { name: 'Download kubeconfig' }).click();
      await page.getByText(/Not available on this server/).waitFor();
    });

    test('stop and start, each confirmed as needed', async () => {
      await page.getByRole('button', { name: 'Stop', exact: true }).click();
      const dialog = page.getByRole('dialog');
      assert.equal(await dialog.getByRole('button', { name: 'Stop cluster' }).isDisabled(), true);
      await dialog.getByLabel('Type web to confirm').fill('web');
      await dialog.getByRole('button', { name: 'Stop cluster' }).click();
      await headerPhase(page).filter({ hasText: 'Stopped' }).waitFor({ timeout: LIVE });
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await headerPhase(page).filter({ hasText: 'Running' }).waitFor({ timeout: LIVE });
    });

    test('charts and events show what happened', async () => {
      await page.getByRole('link', { name: 'Events' }).click();
      await page.locator('ol.events li').filter({ hasText: 'ClusterStopped' }).waitFor();
      await screenshot(page, 'events');
      await page.getByRole('link', { name: 'Charts' }).click();
      await page.locator('figure.chart .legend').first().waitFor();
      assert.match(await page.locator('figure.chart').first().innerText(), /default: 4 nodes/);
      await page
        .locator('figure.chart')
        .nth(1)
        .locator('path.series')
        .first()
        .waitFor({ timeout: LIVE });
      await screenshot(page, 'charts');
    });

    test('a viewer sees no destructive buttons, and the API refuses them anyway', async () => {
      const viewer = await admin.tokens.create('default', { name: 'e2e-viewer', role: 'viewer' });
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/sign-in/);
      await page.goto(`${berth.url}/projects/default/clusters/web`);
      await page.getByLabel('API token').fill(viewer.secret);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${berth.url}/projects/default/clusters/web`);
      await page.getByText('read-only (viewer)').waitFor();
      for (const name of ['Delete', 'Stop', 'Start', 'Upgrade', 'Download kubeconfig'])
        assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, name);
      await page.getByRole('link', { name: 'Node groups' }).click();
      await page.locator('tr[data-group="default"]').waitFor();
      assert.equal(
        await page.getByRole('button', { name: /Edit|Delete|Add node group/ }).count(),
        0,
      );
      await page.goto(`${berth.url}/projects/default/clusters`);
      assert.equal(await page.getByRole('link', { name: 'Create cluster' }).count(), 0);
      const asViewer = new BerthClient({ endpoint: berth.url, token: viewer.secret });
      await assert.rejects(
        asViewer.clusters.delete('default', 'web'),
        (e) => isApiError(e) && e.status === 403,
      );
      await assert.rejects(
        asViewer.clusters.stop('default', 'web'),
        (e) => isApiError(e) && e.status === 403,
      );
      await page.getByRole('button', { name: 'Sign out' }).click();
    });

    test('deep links, back button, dark theme', async () => {
      await page.goto(`${berth.url}/projects/default/clusters/web/charts`);
      await page.getByLabel('API token').fill(berth.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${berth.url}/projects/default/clusters/web/charts`);
      await page.getByRole('link', { name: 'Node groups' }).click();
      await page.waitForURL(/\/nodegroups$/);
      await page.goBack();
      await page.waitForURL(/\/charts$/);
      await page.reload();
      await page.locator('figure.chart').first().waitFor();
      await page.getByRole('button', { name: 'Switch to dark theme' }).click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      await page.goto(`${berth.url}/projects/default/clusters`);
      await page.locator('tr[data-cluster="web"]').waitFor();
      await screenshot(page, 'clusters-dark');
      await page.getByRole('button', { name: 'Switch to light theme' }).click();
    });

    test('keyboard: tab to a cluster and open it with Enter', async () => {
      await page.goto(`${berth.url}/projects/default/clusters`);
      await page.locator('tr[data-cluster="web"]').waitFor();
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => document.activeElement?.textContent);
        if (focused === 'web') break;
      }
      await page.keyboard.press('Enter');
      await page.waitForURL(`${berth.url}/projects/default/clusters/web`);
    });

    test('no script errors and nothing refused by the Content-Security-Policy', () => {
      assert.deepEqual(pageErrors, []);
    });

    test('delete, confirmed by typing the name', async () => {
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Type web to confirm').fill('wed');
      assert.equal(await dialog.getByRole('button', { name: 'Delete cluster' }).isDisabled(), true);
      await dialog.getByLabel('Type web to confirm').fill('web');
      await dialog.getByRole('button', { name: 'Delete cluster' }).click();
      await page.getByText(/does not exist \(any more\)/).waitFor({ timeout: LIVE });
      await assert.rejects(
        admin.clusters.get('default', 'web'),
        (e) => isApiError(e) && e.status === 404,
      );
    });
  },
);
