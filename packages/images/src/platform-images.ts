/**
 * The images Berth publishes in its registry under `berth/`, as specs over the binaries the
 * component cache holds, and fio from the host. Pure: callers read the binaries (and busybox's
 * applet list, fio's libraries) and pass the bytes in.
 */
import type { ImageFile, ImageSpec } from './image.js';

/** The repository prefix of platform images: public pull, pushed only by Berth itself. */
export const PLATFORM_NAMESPACE = 'berth';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface PlatformImage {
  /** Repository, e.g. `berth/pause`. */
  repository: string;
  tags: string[];
  spec: ImageSpec;
}

const source = (title: string, version: string) => ({
  'org.opencontainers.image.title': title,
  'org.opencontainers.image.version': version,
  'org.opencontainers.image.vendor': 'Berth',
});

/** `berth/pause:<version>`: the sandbox process of every pod (entrypoint /pause). */
export function pauseImage(input: { binary: Uint8Array; version: string }): PlatformImage {
  return {
    repository: `${PLATFORM_NAMESPACE}/pause`,
    tags: [input.version],
    spec: {
      files: [{ path: '/pause', content: input.binary }],
      entrypoint: ['/pause'],
      user: '65535:65535',
      labels: source('pause', input.version),
    },
  };
}

/** `berth/coredns:<version>`: cluster DNS (entrypoint /coredns, as upstream's image). */
export function corednsImage(input: { binary: Uint8Array; version: string }): PlatformImage {
  return {
    repository: `${PLATFORM_NAMESPACE}/coredns`,
    tags: [input.version],
    spec: {
      files: [{ path: '/coredns', content: input.binary }],
      entrypoint: ['/coredns'],
      labels: source('coredns', input.version),
    },
  };
}

/**
 * `berth/traefik:<version>`: the ingress addon's controller (entrypoint /traefik, as upstream's
 * image), unprivileged: it listens on ports above 1024 and writes nothing.
 */
export function traefikImage(input: { binary: Uint8Array; version: string }): PlatformImage {
  return {
    repository: `${PLATFORM_NAMESPACE}/traefik`,
    tags: [input.version],
    spec: {
      files: [{ path: '/traefik', content: input.binary }],
      entrypoint: ['/traefik'],
      user: '65532:65532',
      labels: source('traefik', input.version),
    },
  };
}

/**
 * `berth/metrics-server:<version>`: the metrics-server addon (entrypoint /metrics-server, as
 * upstream's image), unprivileged: it listens on 10250 in its pod and writes only its
 * self-signed certificate, to an emptyDir.
 */
export function metricsServerImage(input: { binary: Uint8Array; version: string }): PlatformImage {
  return {
    repository: `${PLATFORM_NAMESPACE}/metrics-server`,
    tags: [input.version],
    spec: {
      files: [{ path: '/metrics-server', content: input.binary }],
      entrypoint: ['/metrics-server'],
      user: '65532:65532',
      labels: source('metrics-server', input.version),
    },
  };
}

/**
 * Where each monitoring addon binary lives in its image (as upstream's images have it: the
 * operator runs the config reloader as `/bin/prometheus-config-reloader`, so that path is fixed).
 */
export const MONITORING_IMAGE_PATHS: Readonly<Record<string, string>> = {
  'prometheus-operator': '/bin/operator',
  'prometheus-config-reloader': '/bin/prometheus-config-reloader',
  prometheus: '/bin/prometheus',
  'kube-state-metrics': '/kube-state-metrics',
  node_exporter: '/bin/node_exporter',
};

/**
 * `berth/<binary>:<version>` for a monitoring addon binary: the one static binary as entrypoint,
 * run as nobody (65534); Prometheus writes only to the volume the operator mounts at
 * `/prometheus`, which is also its working directory.
 */
export function monitoringImage(input: {
  binary: string;
  content: Uint8Array;
  version: string;
}): PlatformImage {
  const path = MONITORING_IMAGE_PATHS[input.binary];
  if (path === undefined) throw new Error(`${input.binary} is not a monitoring addon binary`);
  return {
    repository: `${PLATFORM_NAMESPACE}/${input.binary}`,
    tags: [input.version],
    spec: {
      files: [{ path, content: input.content }],
      entrypoint: [path],
      user: '65534:65534',
      ...(input.binary === 'prometheus'
        ? { workingDir: '/prometheus', dirs: [{ path: '/prometheus', mode: 0o777 }] }
        : {}),
      labels: source(input.binary, input.version),
    },
  };
}

export interface ToolboxInput {
  /** A static busybox. */
  busybox: Uint8Array;
  busyboxVersion: string;
  /** `busybox --list-full` (e.g. `bin/sh`, `usr/bin/nc`): each becomes a link to busybox. */
  applets: readonly string[];
  /** Berth's version: the second tag beside `latest`. */
  berthVersion: string;
}

/**
 * `berth/toolbox:latest` and `:<berth version>`: busybox laid out as `busybox --install -s` would,
 * so `sh`, `ls`, `cat`, `nc`, `nslookup`, … are on PATH. No entrypoint, `Cmd ["sh"]` (as
 * Docker's busybox image): `kubectl run … -- sh` replaces the command; with `/bin/sh` as the
 * entrypoint it would run `sh sh` and fail to open a script named "sh".
 */
export function toolboxImage(input: ToolboxInput): PlatformImage {
  const busybox = busyboxFiles(input.busybox, input.applets);
  return {
    repository: `${PLATFORM_NAMESPACE}/toolbox`,
    tags: ['latest', input.berthVersion],
    spec: {
      files: busybox.files,
      symlinks: busybox.symlinks,
      dirs: busybox.dirs,
      env: [`PATH=${DEFAULT_PATH}`],
      cmd: ['sh'],
      labels: {
        ...source('toolbox', input.berthVersion),
        'dev.berth.busybox.version': input.busyboxVersion,
      },
    },
  };
}

export interface FioImageInput {
  /** The fio program, e.g. Debian's `/usr/bin/fio`. */
  fio: Uint8Array;
  /** `fioVersion(fio --version)`, e.g. `3.33`: the image's tag. */
  version: string;
  /** Its interpreter and libraries at their paths in the image (`sharedLibraryClosure`). */
  libraries: readonly ImageFile[];
  busybox: Uint8Array;
  busyboxVersion: string;
  /** `busybox --list-full`, as for the toolbox. */
  applets: readonly string[];
}

/**
 * `berth/fio:<fio version>` and `:latest`: fio at `/usr/bin/fio` with exactly the loader and
 * libraries it maps, and the toolbox's busybox layout, so `kubectl exec … -- sh -c 'fio …'`
 * works and a pod can `sleep`. For measuring a volume's IOPS inside a pod (docs/storage.md).
 * No entrypoint, `Cmd ["sh"]`, as the toolbox.
 */
export function fioImage(input: FioImageInput): PlatformImage {
  const busybox = busyboxFiles(input.busybox, input.applets);
  return {
    repository: `${PLATFORM_NAMESPACE}/fio`,
    tags: [input.version, 'latest'],
    spec: {
      files: [...busybox.files, { path: '/usr/bin/fio', content: input.fio }, ...input.libraries],
      symlinks: busybox.symlinks,
      dirs: busybox.dirs,
      env: [`PATH=${DEFAULT_PATH}`],
      cmd: ['sh'],
      labels: {
        ...source('fio', input.version),
        'dev.berth.busybox.version': input.busyboxVersion,
      },
    },
  };
}

/**
 * busybox laid out as `busybox --install -s` would (every applet a link to /bin/busybox), with
 * the users and directories a shell expects.
 */
function busyboxFiles(busybox: Uint8Array, appletList: readonly string[]) {
  const applets = [...new Set(appletList.map((a) => a.trim()).filter((a) => a !== ''))]
    .filter((a) => a !== 'bin/busybox')
    .sort();
  return {
    files: [
      { path: '/bin/busybox', content: busybox },
      { path: '/etc/passwd', content: text(PASSWD), mode: 0o644 },
      { path: '/etc/group', content: text(GROUP), mode: 0o644 },
    ],
    symlinks: applets.map((a) => ({ path: `/${a}`, target: '/bin/busybox' })),
    dirs: [
      { path: '/tmp', mode: 0o1777 },
      { path: '/root', mode: 0o700 },
    ],
  };
}

const PASSWD =
  'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const GROUP = 'root:x:0:\nnogroup:x:65534:\n';

function text(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}
