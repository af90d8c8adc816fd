/**
 * HTTP load from a separate process (autocannon), so the load generator never shares the
 * server's event loop. Traffic goes only to servers the benchmark started (loopback, or addresses
 * of the clusters it created). Keep-alive connections, one request in flight on each.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

const require = createRequire(import.meta.url);

/** `headers` as `name: value` (e.g. `Host`, `Authorization`) on every request. */
export async function runLoad(
  url: string,
  headers: Readonly<Record<string, string>>,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const cli = require.resolve('autocannon/autocannon.js');
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]);
  const args = [cli, '-j', '-c', String(connections), '-d', String(seconds), ...headerArgs, url];
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`autocannon exited ${code}`)),
    );
  });
  const report = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
  };
  return {
    requestsPerSecond: report.requests.average,
    p50Ms: report.latency.p50,
    p99Ms: report.latency.p99,
    errors: report.errors,
    non2xx: report.non2xx,
  };
}
