#!/usr/bin/env node
// Builds the console bundle (Vite) into dist/web, which berth server serves at `/`.
// Skipped when dist/web/index.html is newer than every input — the console's sources, its
// Vite config, the compiled @berth/client it bundles, and the lockfile — so scripts/bootstrap
// can run it on every start. Type-checking is `npx tsc --build`'s job, not this script's.
// Usage: node scripts/build-web.mjs [--force]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const root = path.resolve(pkg, '../..');
const output = path.join(pkg, 'dist/web/index.html');
const inputs = [
  path.join(pkg, 'src'),
  path.join(pkg, 'index.html'),
  path.join(pkg, 'vite.config.ts'),
  path.join(pkg, 'package.json'),
  path.join(root, 'packages/client/dist'),
  path.join(root, 'package-lock.json'),
];

function newest(p) {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)));
  return max;
}

const force = process.argv.includes('--force');
const built = fs.existsSync(output) ? fs.statSync(output).mtimeMs : 0;
const changed = Math.max(...inputs.map(newest));
if (!force && built > changed) {
  console.log('console bundle is up to date (packages/console/dist/web)');
  process.exit(0);
}
const vite = path.join(root, 'node_modules/vite/bin/vite.js');
const run = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
  cwd: pkg,
  stdio: 'inherit',
});
if (run.status !== 0) process.exit(run.status ?? 1);
console.log('console bundle built (packages/console/dist/web)');
