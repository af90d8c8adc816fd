/**
 * `berth components list | install <version> | path <name> | verify [version]`: the cache of
 * upstream Kubernetes binaries. Installs show live progress: a ticking line on a terminal,
 * plain lines (with a heartbeat every 30 s) when output is a log, as in CI.
 */
import type { Command } from 'commander';
import {
  cacheDirFromEnv,
  createComponentStore,
  defaultComponentsDir,
  describeEvent,
  formatSize,
  mirrorUrlFromEnv,
  supportedVersions,
  TOOLS,
  type ComponentInstallResult,
  type ComponentStore,
  type InstallEvent,
} from '@berth/components';
import { ProcessRunner } from '@berth/exec';

export interface ComponentsCommandDeps {
  store: () => ComponentStore;
  out: { write(text: string): unknown; isTTY?: boolean };
}

export function defaultComponentsDeps(env: NodeJS.ProcessEnv = process.env): ComponentsCommandDeps {
  return {
    store: () => {
      const mirrorUrl = mirrorUrlFromEnv(env);
      return createComponentStore({
        cacheDir: cacheDirFromEnv(env),
        componentsDir: defaultComponentsDir(),
        runner: new ProcessRunner({ env }),
        ...(mirrorUrl ? { mirrorUrl } : {}),
      });
    },
    out: process.stdout,
  };
}

export function registerComponents(program: Command, deps = defaultComponentsDeps()): void {
  const group = program.command('components').description('Upstream Kubernetes component binaries');
  group
    .command('list')
    .description('Supported versions and what the cache holds')
    .action(() => listComponents(deps));
  group
    .command('install <version>')
    .description(
      'Build (or import) the components of a version: 1.34, v1.34.10 or "default"; "tools" for tofu and terraform',
    )
    .option('--from-dir <dir>', 'import official release binaries from DIR (checksums required)')
    .option(
      '--only <names>',
      'comma-separated binaries or sets to install, e.g. etcd,kube-apiserver or node (sets: control-plane, node, images, platform, simulated)',
    )
    .action((version: string, opts: { fromDir?: string; only?: string }) =>
      installComponents(deps, version, opts),
    );
  group
    .command('path <name>')
    .description('Print the verified path of a component binary')
    .option('--version <version>', 'Kubernetes version', 'default')
    .action(async (name: string, opts: { version: string }) => {
      deps.out.write(`${await deps.store().path(name, opts.version)}\n`);
    });
  group
    .command('verify [version]')
    .description(
      'Re-hash every cached binary of a version (or of the "tools") against its manifest',
    )
    .action((version: string | undefined) => verifyComponents(deps, version ?? 'default'));
}

async function listComponents(deps: ComponentsCommandDeps): Promise<void> {
  const store = deps.store();
  deps.out.write(`Supported versions: ${supportedVersions(store.versions).join(', ')}\n\n`);
  // Shared components (etcd, kwok) appear once, with every release that uses them; the tools
  // (tofu, terraform) belong to no release and are listed under "tools".
  const rows = new Map<string, { releases: string[]; cells: string[] }>();
  for (const group of [...Object.keys(store.versions.releases), TOOLS]) {
    for (const status of await store.status(group)) {
      for (const b of status.binaries) {
        const key = `${status.component}/${status.version}/${b.name}`;
        const known = rows.get(key);
        if (known) {
          known.releases.push(group);
          continue;
        }
        const present = b.state !== 'missing' && b.record !== undefined;
        const state =
          b.state === 'missing' && status.notBuildable ? 'missing (import only)' : b.state;
        rows.set(key, {
          releases: [group],
          cells: [
            status.component,
            status.version,
            b.name,
            present ? formatSize(b.record?.size ?? 0) : '-',
            present ? (b.record?.source ?? '-') : '-',
            state,
          ],
        });
      }
    }
  }
  const header = ['RELEASES', 'COMPONENT', 'VERSION', 'BINARY', 'SIZE', 'SOURCE', 'STATE'];
  const body = [...rows.values()].map((r) => [r.releases.join(','), ...r.cells]);
  deps.out.write(formatTable([header, ...body]));
}

async function installComponents(
  deps: ComponentsCommandDeps,
  version: string,
  opts: { fromDir?: string; only?: string },
): Promise<void> {
  const abort = new AbortController();
  const onSigint = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  const printer = createProgressPrinter(deps.out);
  const started = Date.now();
  try {
    const options = {
      onProgress: printer.onEvent,
      signal: abort.signal,
      ...(opts.fromDir ? { fromDir: opts.fromDir } : {}),
      ...(opts.only ? { only: opts.only.split(',').map((s) => s.trim()) } : {}),
    };
    const store = deps.store();
    const [what, components] =
      version === TOOLS
        ? ['Tools', await store.installTools(options)]
        : await store
            .install(version, options)
            .then((r) => [`Kubernetes ${r.release.kubernetesVersion}`, r.components] as const);
    printer.finish();
    deps.out.write(`${what}: ${installSummary(components, started)}\n`);
  } finally {
    printer.finish();
    process.removeListener('SIGINT', onSigint);
  }
}

function installSummary(components: readonly ComponentInstallResult[], started: number): string {
  const binaries = components.flatMap((c) => c.installed).length;
  const cached = components.filter((c) => c.status === 'cached').length;
  const missing = components.filter((c) => c.status === 'unavailable').map((c) => c.component);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return (
    `${binaries} binaries installed, ${cached} components already cached and verified, in ${seconds}s` +
    (missing.length > 0 ? `; not installed: ${missing.join(', ')}` : '')
  );
}

async function verifyComponents(deps: ComponentsCommandDeps, version: string): Promise<void> {
  const statuses = await deps.store().verify(version);
  let bad = 0;
  for (const s of statuses) {
    for (const b of s.binaries) {
      if (b.state === 'missing' && s.notBuildable) continue;
      if (b.state !== 'ok') bad++;
      const mark = b.state === 'ok' ? '✓' : '✗';
      deps.out.write(
        `${mark} ${s.component} ${s.version} ${b.name}: ${b.state}${b.detail ? ` (${b.detail})` : ''}\n`,
      );
    }
  }
  if (bad > 0) {
    deps.out.write(`Fix: berth components install ${version}\n`);
    process.exitCode = 1;
  }
}

const TICK_VERB = { built: 'building', imported: 'importing', downloaded: 'downloading' } as const;

/** Heartbeat interval for non-terminal output: frequent enough to show life in a CI log. */
const LOG_HEARTBEAT_SECONDS = 30;

export function createProgressPrinter(out: ComponentsCommandDeps['out']) {
  let ticking = false;
  const clearTick = () => {
    if (ticking) out.write('\r\x1b[K');
    ticking = false;
  };
  return {
    onEvent(event: InstallEvent): void {
      if (event.type === 'binary-tick') {
        const line = `  ${event.binary} (${event.component} ${event.version}): ${TICK_VERB[event.source]} … ${event.elapsedSeconds}s`;
        if (out.isTTY) {
          out.write(`\r\x1b[K${line}`);
          ticking = true;
        } else if (event.elapsedSeconds > 0 && event.elapsedSeconds % LOG_HEARTBEAT_SECONDS === 0) {
          out.write(`${line}\n`);
        }
        return;
      }
      clearTick();
      const line = describeEvent(event);
      if (line !== undefined) out.write(`${line}\n`);
    },
    finish: clearTick,
  };
}

function formatTable(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
