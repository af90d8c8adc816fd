/**
 * `startRegistry`: the platform registry as `berth server` runs it. Lays out its data dir,
 * renders the configuration, runs distribution's `registry serve` as a supervised child on a
 * unix socket, waits until it answers, then opens the TLS front on every listen address.
 *
 * `<dataDir>/`: `config.yml` (0600: holds the HTTP secret), `token-signer.crt` (the registry's
 * rootcertbundle), `storage/` (blobs and manifests), `registry.log`, `registry.sock`,
 * `registry.pid`. A registry left running by a Berth that was killed (SIGKILL leaves its child
 * behind) is found through `registry.pid` and stopped before a new one starts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { BerthError } from '@berth/errors';
import type { RegistryPrincipal } from './access.js';
import { renderRegistryConfig } from './config.js';
import {
  RegistryFront,
  type FrontLogger,
  type ListenAddress,
  type RegistryFrontOptions,
} from './front.js';
import type { TokenSigner } from './jwt.js';
import { Supervisor } from '@berth/exec';
import { RegistryTokenService } from './token-service.js';

export const REGISTRY_SERVICE = 'berth-registry';
export const REGISTRY_ISSUER = 'berth';
export const TOKEN_PATH = '/auth/token';

export interface RegistryServiceOptions {
  /** distribution's `registry` binary (the component cache's `registry`). */
  binary: string;
  dataDir: string;
  /** The serving certificate (SANs: every address clients use) and its key. */
  tls: { certPem: string; keyPem: string };
  signer: TokenSigner;
  listen: readonly ListenAddress[];
  authenticate(username: string, password: string): Promise<RegistryPrincipal | undefined>;
  logger: FrontLogger;
  tokenTtlSeconds?: number;
  /** How long to wait for the registry's first answer; default 20 s. */
  readyTimeoutMs?: number;
  /** Public JSON documents the front serves (see `RegistryFrontOptions.documents`). */
  documents?: (pathname: string) => Promise<string | undefined>;
  /** POSTed deliveries the front takes (see `RegistryFrontOptions.receive`). */
  receive?: RegistryFrontOptions['receive'];
}

export interface RunningRegistry {
  tokens: RegistryTokenService;
  supervisor: Supervisor;
  socketPath: string;
  stop(): Promise<void>;
}

/** @throws BERTH_ERR_UNAVAILABLE when the registry does not answer in time (it is stopped) */
export async function startRegistry(options: RegistryServiceOptions): Promise<RunningRegistry> {
  const dir = options.dataDir;
  await mkdir(path.join(dir, 'storage'), { recursive: true, mode: 0o700 });
  const socketPath = socketPathFor(dir);
  const signerFile = path.join(dir, 'token-signer.crt');
  const configFile = path.join(dir, 'config.yml');
  await writeFile(signerFile, options.signer.certPem, { mode: 0o644 });
  const config = renderRegistryConfig({
    rootDirectory: path.join(dir, 'storage'),
    socketPath,
    service: REGISTRY_SERVICE,
    issuer: REGISTRY_ISSUER,
    rootCertBundle: signerFile,
    tokenPath: TOKEN_PATH,
    httpSecret: randomBytes(32).toString('hex'),
  });
  await writeFile(configFile, config, { mode: 0o600 });
  const pidFile = path.join(dir, 'registry.pid');
  await stopLeftover(pidFile, configFile);
  const supervisor = new Supervisor({
    command: options.binary,
    args: ['serve', configFile],
    // Only what it needs: REGISTRY_* variables would override the configuration, and
    // OpenTelemetry's default exporter would try to reach a collector.
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: dir, OTEL_TRACES_EXPORTER: 'none' },
    cwd: dir,
    logFile: path.join(dir, 'registry.log'),
    onExit: (e) => options.logger.warn(e, 'registry exited; restarting'),
    onSpawnError: (err) => options.logger.warn({ err }, 'registry cannot start'),
    onStart: (pid) => writeFileSync(pidFile, `${pid}\n`, { mode: 0o600 }),
  });
  const tokens = new RegistryTokenService({
    signer: options.signer,
    issuer: REGISTRY_ISSUER,
    service: REGISTRY_SERVICE,
    authenticate: options.authenticate,
    ...(options.tokenTtlSeconds === undefined ? {} : { ttlSeconds: options.tokenTtlSeconds }),
  });
  const front = new RegistryFront({
    certPem: options.tls.certPem,
    keyPem: options.tls.keyPem,
    upstreamSocket: socketPath,
    tokens,
    tokenPath: TOKEN_PATH,
    logger: options.logger,
    ...(options.documents ? { documents: options.documents } : {}),
    ...(options.receive ? { receive: options.receive } : {}),
  });
  const stop = async () => {
    await front.close();
    await supervisor.stop();
  };
  supervisor.start();
  try {
    await waitForSocket(socketPath, options.readyTimeoutMs ?? 20_000);
    for (const address of options.listen) await front.listen(address);
  } catch (err) {
    await stop();
    throw err;
  }
  return { tokens, supervisor, socketPath, stop };
}

/**
 * Stops the registry of an earlier Berth on this data dir, if it is still running: the pid is
 * trusted only when its command line names this data dir's config file (a recycled pid does not).
 */
async function stopLeftover(pidFile: string, configFile: string): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.split('\0').includes(configFile)) return;
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50; i++) {
    const alive = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!alive.split('\0').includes(configFile)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A unix socket path must fit in 108 bytes; long data dirs get one in the temp dir. */
function socketPathFor(dir: string): string {
  const inDir = path.join(dir, 'registry.sock');
  if (Buffer.byteLength(inDir) < 100) return inDir;
  const hash = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `berth-registry-${hash}.sock`);
}

async function waitForSocket(socketPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await new Promise<number | undefined>((resolve) => {
      const req = http.get({ socketPath, path: '/v2/', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve(undefined));
      req.on('timeout', () => req.destroy());
    });
    if (status !== undefined) return;
    if (Date.now() > deadline)
      throw new BerthError(
        'BERTH_ERR_UNAVAILABLE',
        `the registry did not answer within ${timeoutMs} ms (see registry.log)`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
