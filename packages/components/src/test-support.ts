/**
 * Test helpers shared by this package's unit tests: a temp cache, and a fake runner that plays
 * the builders (`go build`, `go mod download` + `gcc`, `apt-get download` + `dpkg-deb -x`; each
 * writes a small file that "prints" its version) and answers `--version` probes.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { FakeRunner, type FakeCall, type FakeResponse } from '@berth/exec';
import { createComponentStore, type ComponentStore, type ComponentStoreOptions } from './store.js';
import { defaultComponentsDir, resolveTools } from './versions.js';

export async function tempDir(
  prefix = 'berth-components-',
): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Version a fake binary reports: the `-X …gitVersion=` or package's component version. */
export interface FakeGoOptions {
  /** Milliseconds each fake build takes. */
  buildMs?: number;
  /** Exit code of `go build` (0 = success). */
  buildExit?: number;
  /** Overrides what the built binary prints for `--version`. */
  reportVersion?: string;
}

/** Go (1.18+) build information as a binary embeds it: `path` and `mod` of `pkg` at `version`. */
export function fakeGoBuildInfo(pkg: string, version: string): Buffer {
  const varString = (text: string) => {
    const bytes = Buffer.from(text);
    const length: number[] = [];
    let n = bytes.length;
    do {
      length.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
      n >>= 7;
    } while (n > 0);
    return Buffer.concat([Buffer.from(length), bytes]);
  };
  const sentinel = Buffer.alloc(16, 0xab).toString('latin1');
  const modules = `${sentinel}path\t${pkg}\nmod\t${pkg}\t${version}\th1:fake=\n${sentinel}`;
  const header = Buffer.alloc(32);
  Buffer.from('\xff Go buildinf:', 'latin1').copy(header);
  header[14] = 8;
  header[15] = 0x2;
  return Buffer.concat([header, varString('go1.26.8'), varString(modules)]);
}

/** Where the fake `go mod download -json` says a module's source is. */
export const FAKE_MODULE_DIR = '/fake/gomodcache/mod';

/**
 * `versionOf` maps a Go package (go build) or a binary name (gcc, deb) to the version the fake
 * binary reports.
 */
export function createFakeGo(
  versionOf: (pkgOrBinary: string) => string,
  options: FakeGoOptions = {},
): FakeRunner {
  const fakeBinary = (out: string, key: string, stamped?: string) => {
    const version = options.reportVersion ?? stamped ?? versionOf(key);
    // Followed by Go build information naming the package as main module at that version, for
    // components probed through it (`versionFrom: buildinfo`).
    return writeFile(
      out,
      Buffer.concat([Buffer.from(`#!fake\nversion ${version}\n`), fakeGoBuildInfo(key, version)]),
    );
  };
  return new FakeRunner(async (call: FakeCall) => {
    const build = async (write: () => Promise<void>) => {
      if (options.buildMs) await new Promise((r) => setTimeout(r, options.buildMs));
      if (options.buildExit) return { exitCode: options.buildExit, stderr: 'compile error: boom' };
      await write();
      return {};
    };
    if (call.command === 'go' && call.args[0] === 'mod') {
      const module = call.args.at(-1) as string;
      return { stdout: JSON.stringify({ Path: module, Version: 'v1.0.0', Dir: FAKE_MODULE_DIR }) };
    }
    if (call.command === 'go' || call.command === 'gcc') {
      const out = call.args[call.args.indexOf('-o') + 1] as string;
      const pkg = call.args[call.args.length - 1] as string;
      // A stamped `-X …gitVersion=` wins: one package may be built at two versions (metrics-server).
      const ldflags = call.args[call.args.indexOf('-ldflags') + 1] ?? '';
      const stamped = /\.gitVersion=(\S+)/.exec(ldflags)?.[1];
      return build(() => fakeBinary(out, call.command === 'go' ? pkg : basename(out), stamped));
    }
    if (call.command === 'apt-get') {
      const pkg = call.args.at(-1) as string;
      return build(() => writeFile(join(call.options.cwd ?? '.', `${pkg}_1.0-1_amd64.deb`), 'deb'));
    }
    if (call.command === 'dpkg-deb') {
      // dpkg-deb -x <deb> <root>: the fake package holds bin/<name> for every name it is asked.
      const root = call.args.at(-1) as string;
      await mkdir(join(root, 'bin'), { recursive: true });
      for (const name of ['busybox']) await fakeBinary(join(root, 'bin', name), name);
      return {};
    }
    // Any other command is a probe of a binary the fake built or a test imported.
    const text = await readFile(call.command, 'utf8').catch(() => '');
    return { stdout: text };
  });
}

/**
 * Component version per Go package and per binary name, as the real versions.json pins them
 * for release 1.34 and the tools.
 */
export function versionsByPackage(
  store: ComponentStore,
  release = '1.34',
): (pkgOrBinary: string) => string {
  const byKey = new Map<string, string>();
  for (const c of [...store.resolve(release).components, ...resolveTools(store.versions)]) {
    for (const [name, b] of Object.entries(c.spec.binaries)) {
      if (b.package) byKey.set(b.package, c.version);
      byKey.set(name, c.version);
    }
  }
  return (key) => byKey.get(key) ?? 'unknown';
}

export function storeWith(
  cacheDir: string,
  runner: FakeRunner,
  extra: Partial<ComponentStoreOptions> = {},
): ComponentStore {
  return createComponentStore({
    cacheDir,
    componentsDir: defaultComponentsDir(),
    runner,
    now: () => new Date('2026-01-02T03:04:05.678Z'),
    ...extra,
  });
}

/** /proc/self/mountinfo's cgroup lines of a cgroup v1 (hybrid) host, as Debian 12 mounts them. */
export const MOUNTINFO_V1 = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

/**
 * How a host that can run real nodes answers `berth doctor`'s node probes (cgroup v1, a free
 * loop device, e2fsprogs, nftables in a netns); undefined for any other command.
 */
export function nodeHostAnswer(call: FakeCall): FakeResponse | undefined {
  const line = [call.command, ...call.args].join(' ');
  if (line === 'cat /sys/fs/cgroup/cgroup.controllers')
    return { exitCode: 1, stderr: 'cat: /sys/fs/cgroup/cgroup.controllers: No such file' };
  if (line === 'cat /proc/self/mountinfo') return { stdout: MOUNTINFO_V1 };
  if (call.command === 'losetup') return { stdout: '/dev/loop0\n' };
  if (call.command === 'mkfs.ext4') return { stderr: 'mke2fs 1.47.0 (5-Feb-2023)\n' };
  if (call.command === 'unshare') return {};
  return undefined;
}
