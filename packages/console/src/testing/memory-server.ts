/**
 * `berth server --provider memory` as a child process on a loopback port and a fresh data dir,
 * for the browser suites and the console benchmark: the real server, the real console bundle.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, StopWaiting, until } from '@berth/test-kit';
import { REPO } from './browser.js';

export interface MemoryBerth {
  url: string;
  token: string;
  dataDir: string;
  log: string;
  stop(): Promise<void>;
}

export async function startMemoryBerth(env: Record<string, string> = {}): Promise<MemoryBerth> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-console-e2e-'));
  const token = `berth_${randomBytes(24).toString('hex')}`;
  const log = path.join(dataDir, 'server.log');
  const out = fs.openSync(log, 'a');
  const cli = path.join(REPO, 'packages/cli/dist/main.js');
  // Plain HTTP on loopback, so the suites' API client needs no CA; the console over HTTPS (the
  // default) is exercised by console-local.e2e.test.ts through the server's e2e harness.
  const argv = [
    'server',
    '--listen',
    `127.0.0.1:${port}`,
    '--data-dir',
    dataDir,
    '--insecure-http',
  ];
  const child: ChildProcess = spawn(process.execPath, [cli, ...argv, '--provider', 'memory'], {
    env: { ...process.env, BERTH_ADMIN_TOKEN: token, BERTH_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await until(
      'berth server ready',
      async () => {
        if (child.exitCode !== null)
          throw new StopWaiting(fs.readFileSync(log, 'utf8').slice(-2000));
        return (await fetch(`${url}/readyz`).catch(() => undefined))?.ok ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, token, dataDir, log, stop };
}
