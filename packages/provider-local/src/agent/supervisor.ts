/**
 * The set of services an agent runs, reconciled against user data: new services start,
 * removed ones stop, changed ones restart, and unchanged ones get their reload signal when
 * files changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ServerLayout } from './layout.js';
import { ServiceProcess, type BackoffPolicy, type ServiceStatus } from './service-process.js';
import { sameService, type ServiceSpec } from './user-data.js';

export interface SupervisorOptions {
  layout: ServerLayout;
  env: NodeJS.ProcessEnv;
  backoff: BackoffPolicy;
  onChange: () => void;
}

export class Supervisor {
  private readonly services = new Map<string, ServiceProcess>();

  constructor(private readonly options: SupervisorOptions) {}

  /**
   * Brings the running services in line with `specs`. `changedFiles` are the user-data paths
   * this reload rewrote: an unchanged service gets its reload signal when one of the files it
   * reads (`reloadOn`, default all) is among them.
   */
  async apply(specs: ServiceSpec[], changedFiles: readonly string[]): Promise<void> {
    const wanted = new Map(specs.map((s) => [s.name, s]));
    for (const [name, service] of this.services) {
      const spec = wanted.get(name);
      if (spec === undefined || !sameService(spec, service.spec)) {
        await service.stop();
        this.services.delete(name);
      } else if (spec.reloadSignal !== undefined && readsAny(spec, changedFiles)) {
        service.signal(spec.reloadSignal);
      }
    }
    for (const spec of specs) {
      if (!this.services.has(spec.name)) this.startService(spec);
    }
    this.options.onChange();
  }

  /**
   * Stops `stopFirst` services, then the rest in the reverse of their start order: a service
   * stops once every service that starts `after` it has stopped; independent ones in parallel.
   */
  async stopAll(): Promise<void> {
    const all = [...this.services.values()];
    const first = all.filter((s) => s.spec.stopFirst === true);
    await Promise.all(first.map((s) => s.stop()));
    let rest = all.filter((s) => !first.includes(s));
    while (rest.length > 0) {
      // A wave: the services no remaining service starts after. A cycle (refused by the
      // provider) would leave none; then the rest stop together.
      const wave = rest.filter((s) => !rest.some((d) => d.spec.after?.includes(s.spec.name)));
      const stopping = wave.length > 0 ? wave : rest;
      await Promise.all(stopping.map((s) => s.stop()));
      rest = rest.filter((s) => !stopping.includes(s));
    }
    this.services.clear();
  }

  statuses(): ServiceStatus[] {
    return [...this.services.values()].map((s) => ({ ...s.status }));
  }

  private startService(spec: ServiceSpec): void {
    const { layout } = this.options;
    fs.mkdirSync(layout.serviceDir, { recursive: true });
    fs.mkdirSync(layout.logDir, { recursive: true });
    const service = new ServiceProcess(spec, {
      cwd: path.resolve(layout.rootDir, spec.cwd ?? '.'),
      env: this.options.env,
      pidFile: layout.servicePid(spec.name),
      logFile: layout.serviceLog(spec.name),
      backoff: this.options.backoff,
      onChange: this.options.onChange,
    });
    this.services.set(spec.name, service);
    service.start();
  }
}

function readsAny(spec: ServiceSpec, changed: readonly string[]): boolean {
  if (spec.reloadOn === undefined) return changed.length > 0;
  return spec.reloadOn.some((file) => changed.includes(file));
}
