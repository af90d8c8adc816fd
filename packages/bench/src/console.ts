// The page functions below run in Chromium, so this file also type-checks against the DOM.
/// <reference lib="dom" />
/**
 * The web console's figures (issue 10): the production bundle's initial JS and CSS (gzip), the
 * time until the clusters list with 1,000 clusters stored is interactive, and how long a phase
 * change recorded by the API takes to appear in that list. berth server runs in this process
 * (SQLite, memory provider, no controllers, so only the API serves) with the built console;
 * Debian's Chromium runs headless through playwright-core, a fresh profile (cold cache) per run.
 * Goals: ≤ 300 KB gzip initial JS; list interactive ≤ 1 s; phase change in the list ≤ 1 s.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext } from 'playwright-core';
import { applyClusterDefaults } from '@berth/api-types';
import { createLogger, startServer } from '@berth/server';
import { openStore } from '@berth/store';
import type { Table } from './report.js';
import { median, round } from './stats.js';

const CLUSTERS = 1000;
const LOAD_RUNS = 5;
const PHASE_CHANGES = 10;
/** Rows that fill a laptop screen (the list shows more as they render). */
const FIRST_SCREEN = 25;
const CHROMIUM = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const consoleDir = fileURLToPath(new URL('../../console/', import.meta.url));

/** Builds the bundle if needed; returns the gzip sizes (KB) of what index.html loads first. */
function bundleSizes(): { js: number; css: number; files: number } {
  const build = spawnSync(process.execPath, [path.join(consoleDir, 'scripts/build-web.mjs')], {
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('building the console failed');
  const web = path.join(consoleDir, 'dist/web');
  const html = fs.readFileSync(path.join(web, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(js|css))"/g)];
  const size = (ext: string) =>
    refs
      .filter((m) => m[2] === ext)
      .reduce((n, m) => n + gzipSync(fs.readFileSync(path.join(web, m[1]!))).length, 0) / 1024;
  return { js: size('js'), css: size('css'), files: refs.length };
}

async function seed(dataDir: string): Promise<string> {
  const store = await openStore({ dataDir });
  try {
    await store.projects.create({ name: 'p' });
    const spec = applyClusterDefaults({}, { defaultVersion: '1.34' });
    for (let i = 0; i < CLUSTERS; i++) {
      const name = `c${String(i).padStart(4, '0')}`;
      await store.clusters.create({ project: 'p', name, spec });
      await store.clusters.updateStatus({ project: 'p', name }, (s) => ({
        ...s,
        phase: 'Running',
        apiEndpoint: `https://198.51.100.${i % 250}:6443`,
        version: '1.34.10',
        nodes: { ready: 3, total: 3 },
      }));
    }
    const { secret } = await store.tokens.create({ name: 'bench', project: 'p', role: 'member' });
    return secret;
  } finally {
    await store.close();
  }
}

async function browser(
  token: string,
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1366, height: 860 },
  });
  // Signed in as a returning tab would be: the token is in this tab's sessionStorage.
  await context.addInitScript((t) => sessionStorage.setItem('berth.token', t), token);
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * One cold load of the list. `interactive`: ms from navigation start until the first screen of
 * rows is shown and a keystroke typed into the filter then has been answered on screen.
 * `allRows`: ms until every row is in the DOM (a separate load, untouched).
 */
async function loadOnce(
  url: string,
  token: string,
  measure: 'interactive' | 'allRows',
): Promise<number> {
  const b = await browser(token);
  try {
    const page = b.context.pages()[0] ?? (await b.context.newPage());
    await page.goto(`${url}/projects/p/clusters`);
    const rows = measure === 'allRows' ? CLUSTERS : FIRST_SCREEN;
    await page.waitForFunction(
      (n) => document.querySelectorAll('tr[data-cluster]').length >= n,
      rows,
      { polling: 'raf', timeout: 60_000 },
    );
    if (measure === 'allRows') return await page.evaluate(() => performance.now());
    return await page.evaluate(async () => {
      const input = document.getElementById('cluster-filter') as HTMLInputElement;
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      setter.call(input, 'c0999');
      input.dispatchEvent(new Event('input', { bubbles: true }));
      while (document.querySelectorAll('tr[data-cluster]').length !== 1)
        await new Promise((r) => requestAnimationFrame(r));
      return performance.now();
    });
  } finally {
    await b.close();
  }
}

/** ms from a status write in the store (what the API records) to the new phase in the list. */
async function phaseLatencies(
  url: string,
  token: string,
  write: (name: string, phase: 'Stopped') => Promise<void>,
): Promise<number[]> {
  const b = await browser(token);
  try {
    const page = b.context.pages()[0] ?? (await b.context.newPage());
    await page.goto(`${url}/projects/p/clusters`);
    await page.waitForFunction(
      (n) => document.querySelectorAll('tr[data-cluster]').length === n,
      CLUSTERS,
      {
        timeout: 60_000,
      },
    );
    await page.locator('.live-on').waitFor();
    const out: number[] = [];
    for (let i = 0; i < PHASE_CHANGES; i++) {
      const name = `c${String(i * 97).padStart(4, '0')}`;
      const phase = 'Stopped'; // each a different cluster, seeded Running
      await page.evaluate(
        ([n, p]) => {
          const w = window as unknown as { seenAt?: number };
          w.seenAt = undefined;
          const done = () => {
            const badge = document.querySelector(`tr[data-cluster="${n}"] [data-phase]`);
            if (badge?.getAttribute('data-phase') === p) {
              w.seenAt = Date.now();
              observer.disconnect();
            }
          };
          const observer = new MutationObserver(done);
          observer.observe(document.querySelector('tbody')!, {
            subtree: true,
            attributes: true,
            childList: true,
          });
        },
        [name, phase] as const,
      );
      await write(name, phase);
      const committed = Date.now();
      const seenAt = await page.waitForFunction(
        () => (window as unknown as { seenAt?: number }).seenAt,
        undefined,
        {
          timeout: 10_000,
        },
      );
      out.push(((await seenAt.jsonValue()) ?? Number.NaN) - committed);
      await page.waitForTimeout(300);
    }
    return out;
  } finally {
    await b.close();
  }
}

export async function benchConsole(): Promise<Table> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`needs Chromium at ${CHROMIUM}`);
  const sizes = bundleSizes();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-console-'));
  try {
    const token = await seed(dataDir);
    const server = await startServer({
      insecureHttp: true, // plain HTTP on loopback: the API is measured, not TLS
      listen: '127.0.0.1:0',
      dataDir,
      provider: 'memory',
      controllers: false,
      print: () => undefined,
      logger: createLogger({ level: 'warn' }),
    });
    try {
      await loadOnce(server.url, token, 'allRows'); // warm the server's caches
      const interactive: number[] = [];
      const allRows: number[] = [];
      for (let i = 0; i < LOAD_RUNS; i++) {
        interactive.push(await loadOnce(server.url, token, 'interactive'));
        allRows.push(await loadOnce(server.url, token, 'allRows'));
      }
      const latencies = await phaseLatencies(server.url, token, async (name, phase) => {
        await server.store.clusters.updateStatus({ project: 'p', name }, (s) => ({ ...s, phase }));
      });
      const rows: Table['rows'] = [
        [
          'initial JS, gzip',
          `${round(sizes.js, 1)} KB`,
          '≤ 300 KB',
          `${sizes.files} files from index.html (CSS ${round(sizes.css, 1)} KB)`,
        ],
        [
          `list of ${CLUSTERS} clusters: interactive`,
          `${round(median(interactive), 0)} ms`,
          '≤ 1,000 ms',
          `median of ${LOAD_RUNS} cold loads; first screen shown and a filter keystroke answered`,
        ],
        [
          `list of ${CLUSTERS} clusters: every row in the DOM`,
          `${round(median(allRows), 0)} ms`,
          '',
          `median of ${LOAD_RUNS} cold loads`,
        ],
        [
          'phase change → list',
          `${round(median(latencies), 0)} ms`,
          '≤ 1,000 ms',
          `median of ${PHASE_CHANGES}; max ${round(Math.max(...latencies), 0)} ms`,
        ],
      ];
      return {
        title: `Console: bundle, ${CLUSTERS}-cluster list, live phase changes (Chromium, loopback)`,
        method: `Load average ${(os.loadavg()[0] ?? 0).toFixed(1)} on ${os.cpus().length} cores when it ended. berth server in-process (SQLite, memory provider, no controllers) serving the built console; headless Debian Chromium via playwright-core, fresh profile per load. Interactive = ms from navigation start until the first screen of rows is shown and a keystroke typed into the filter then is answered on screen (the list renders its rows in slices, so input is never blocked for long). Phase change = ms from the status write committing in the store to the list's badge changing (watch stream, 250 ms poll).`,
        columns: ['figure', 'measured', 'goal', 'how'],
        rows,
      };
    } finally {
      await server.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
