/**
 * The browser the end-to-end suites drive: Debian's Chromium through playwright-core (which
 * never downloads a browser of its own), headless, in a fresh profile per run. Where Chromium
 * is missing the suites skip with the reason — except under CI=true or BERTH_E2E=required,
 * where a missing browser must fail the run rather than pass it silently.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium';
const required = process.env.CI === 'true' || process.env.BERTH_E2E === 'required';

/** `skip` for describe(): false when the browser is there or required; else why not. */
export const browserSkip: string | false =
  fs.existsSync(CHROMIUM) || required
    ? false
    : `needs Chromium at ${CHROMIUM} (scripts/install-host-deps --with-test-deps)`;

/** Throws when the browser is required but missing: the suite fails instead of skipping. */
export function requireBrowser(): void {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `Chromium is required here (CI=true or BERTH_E2E=required) but ${CHROMIUM} is missing: ` +
        'run scripts/install-host-deps --with-test-deps',
    );
}

export const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launch(viewport = { width: 1366, height: 860 }): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

const consoleDir = fileURLToPath(new URL('../../', import.meta.url));
export const REPO = path.resolve(consoleDir, '../..');
export const SCREENSHOTS = path.join(REPO, 'docs', 'console');

/** Builds the console bundle unless it is current (the server serves what is built). */
export function buildBundle(): void {
  const run = spawnSync(process.execPath, [path.join(consoleDir, 'scripts/build-web.mjs')], {
    stdio: 'inherit',
  });
  if (run.status !== 0) throw new Error('building the console bundle failed');
}

/** A screenshot for docs/console.md: the e2e run keeps them current. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}
