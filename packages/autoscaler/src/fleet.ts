/**
 * One upstream cluster-autoscaler process per cluster, started, restarted after a crash (the
 * shared Supervisor's backoff), reconfigured and stopped by Berth. Each cluster's files live
 * in `<dir>/<cluster uid>/`: its kubeconfig (the autoscaler's own client certificate), the
 * externalgrpc cloud-config, the mTLS files for Berth's service, `autoscaler.pid` and
 * `autoscaler.log`. A process left by a SIGKILLed server is found through its pid file (trusted
 * only if its command line names this directory) and stopped before a new one starts.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { Supervisor } from '@berth/exec';
import {
  autoscalerArgs,
  filesIn,
  renderCloudConfig,
  type ScaleDownSettings,
} from './process-config.js';

export interface AutoscalerRun {
  clusterUid: string;
  /** The cluster-autoscaler binary of the cluster's release. */
  binary: string;
  /** The autoscaler's kubeconfig for the cluster's API. A secret. */
  kubeconfig: string;
  settings: ScaleDownSettings;
}

export interface FleetLogger {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
}

export interface FleetOptions {
  /** Parent of the per-cluster directories, e.g. `<data-dir>/autoscaler`. */
  dir: string;
  /** Berth's CloudProvider service (`host:port`). */
  address: string;
  /** The CA that signed the service's certificate and the clients'. */
  caPem: string;
  /** A client certificate whose CN is the cluster's uid. */
  issueClientCertificate(clusterUid: string): Promise<{ certPem: string; keyPem: string }>;
  logger: FleetLogger;
}

interface Running {
  supervisor: Supervisor;
  fingerprint: string;
  startedAt: Date;
}

export interface AutoscalerProcess {
  clusterUid: string;
  pid: number | undefined;
  restarts: number;
  startedAt: Date;
}

export class AutoscalerFleet {
  readonly #options: FleetOptions;
  readonly #running = new Map<string, Running>();
  /** Per-cluster chains so an ensure and a stop of one cluster never interleave. */
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(options: FleetOptions) {
    this.#options = options;
  }

  /** Runs the cluster's autoscaler with this configuration; restarts it when that changed. */
  ensure(run: AutoscalerRun): Promise<AutoscalerProcess> {
    return this.#locked(run.clusterUid, async () => {
      const fingerprint = createHash('sha256')
        .update(JSON.stringify([run.binary, run.settings, run.kubeconfig, this.#options.address]))
        .digest('hex');
      const current = this.#running.get(run.clusterUid);
      if (current?.fingerprint === fingerprint) return this.#view(run.clusterUid, current);
      if (current !== undefined) await current.supervisor.stop();
      const dir = this.#dirOf(run.clusterUid);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await stopLeftover(dir);
      const files = filesIn(dir);
      const client = await this.#options.issueClientCertificate(run.clusterUid);
      await writeFile(files.kubeconfig, run.kubeconfig, { mode: 0o600 });
      await writeFile(files.caCert, this.#options.caPem, { mode: 0o600 });
      await writeFile(files.clientCert, client.certPem, { mode: 0o600 });
      await writeFile(files.clientKey, client.keyPem, { mode: 0o600 });
      await writeFile(
        files.cloudConfig,
        renderCloudConfig({ address: this.#options.address, files }),
        { mode: 0o600 },
      );
      const supervisor = new Supervisor({
        command: run.binary,
        args: autoscalerArgs({ files, settings: run.settings, statusPort: await freePort() }),
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
        cwd: dir,
        logFile: `${dir}/autoscaler.log`,
        onStart: (pid) => void writeFile(`${dir}/autoscaler.pid`, `${pid}\n`).catch(() => {}),
        onExit: ({ code, signal, restartInMs }) =>
          this.#options.logger.warn(
            { cluster: run.clusterUid, code, signal, restartInMs },
            'cluster-autoscaler exited; restarting',
          ),
        onSpawnError: (err) =>
          this.#options.logger.warn(
            { cluster: run.clusterUid, err },
            'cluster-autoscaler did not start',
          ),
      });
      supervisor.start();
      const running = { supervisor, fingerprint, startedAt: new Date() };
      this.#running.set(run.clusterUid, running);
      this.#options.logger.info(
        { cluster: run.clusterUid, pid: supervisor.pid, restarted: current !== undefined },
        'cluster-autoscaler started',
      );
      return this.#view(run.clusterUid, running);
    });
  }

  /** Stops the cluster's autoscaler (if any) and removes its files. */
  stop(clusterUid: string): Promise<void> {
    return this.#locked(clusterUid, async () => {
      const current = this.#running.get(clusterUid);
      this.#running.delete(clusterUid);
      if (current !== undefined) {
        await current.supervisor.stop();
        this.#options.logger.info({ cluster: clusterUid }, 'cluster-autoscaler stopped');
      }
      const dir = this.#dirOf(clusterUid);
      await stopLeftover(dir);
      await rm(dir, { recursive: true, force: true });
    });
  }

  /** Stops every autoscaler, keeping their files (a restarted server starts them again). */
  async stopAll(): Promise<void> {
    const all = [...this.#running.keys()];
    await Promise.all(
      all.map((uid) =>
        this.#locked(uid, async () => {
          await this.#running.get(uid)?.supervisor.stop();
          this.#running.delete(uid);
        }),
      ),
    );
  }

  list(): AutoscalerProcess[] {
    return [...this.#running].map(([uid, r]) => this.#view(uid, r));
  }

  #view(clusterUid: string, r: Running): AutoscalerProcess {
    return {
      clusterUid,
      pid: r.supervisor.pid,
      restarts: r.supervisor.restarts,
      startedAt: r.startedAt,
    };
  }

  #dirOf(clusterUid: string): string {
    if (!/^[A-Za-z0-9-]+$/.test(clusterUid))
      throw new Error(`unexpected cluster uid ${clusterUid}`);
    return `${this.#options.dir}/${clusterUid}`;
  }

  #locked<T>(key: string, op: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(key) ?? Promise.resolve();
    const next = previous.then(op, op);
    const settled = next.catch(() => undefined);
    this.#locks.set(key, settled);
    void settled.then(() => {
      if (this.#locks.get(key) === settled) this.#locks.delete(key);
    });
    return next;
  }
}

/** Stops the process `dir/autoscaler.pid` names, if it is still an autoscaler of `dir`. */
async function stopLeftover(dir: string): Promise<void> {
  const pid = Number((await readFile(`${dir}/autoscaler.pid`, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes(`--cloud-config=${dir}/`)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    if (!(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
