/**
 * The browser the end-to-end suites drive: Debian's Chromium through playwright-core (which
 * never downloads a browser of its own), headless, in a fresh profile per run. Where Chromium
 * is missing the suites skip with the reason — except under CI=true or BERTH_E2E=required,
 * where a missing browser must fail the run rather than pass it silently (test-kit's
 * skipUnless).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { skipUnless, spkiPin } from '@berth/test-kit';

export const CHROMIUM = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium';

/**
 * `skip` for describe(): false when Chromium is there, else why not — and under
 * BERTH_E2E=required (what .ci/run sets) or CI=true a missing browser throws, failing the file.
 */
export const browserSkip: string | false = skipUnless(
  {
    [`Chromium at ${CHROMIUM} (scripts/install-host-deps --with-test-deps)`]:
      fs.existsSync(CHROMIUM),
  },
  process.env.CI === 'true' ? { ...process.env, BERTH_E2E: 'required' } : process.env,
);

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

/**
 * A headless Chromium in a fresh profile. `trustCaPem`: a CA (Berth's API CA) whose key the
 * browser accepts in a server's chain — Chromium's SPKI pin list, honoured with a profile
 * directory — so HTTPS pages from a server with that CA load, and no other untrusted ones.
 */
export async function launch(
  viewport = { width: 1366, height: 860 },
  options: { trustCaPem?: string } = {},
): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-chromium-'));
  const pin =
    options.trustCaPem === undefined
      ? []
      : [`--ignore-certificate-errors-spki-list=${spkiPin(options.trustCaPem)}`];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...ARGS, ...pin],
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
