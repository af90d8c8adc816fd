/**
 * The supported-versions manifest (`components/versions.json`) and the resolution of a user's
 * version string ("1.34", "1.34.10", "v1.34.10") to a release: the exact component versions
 * Berth runs for that Kubernetes minor. Nothing else in Berth writes a version number down.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BerthError, errors } from '@berth/errors';

/** Where a non-Go binary comes from: a file of a Go module's source, or of a Debian package. */
export interface BinarySourceFile {
  /** builder `gcc`: the Go module (required by the component's wrapper module) holding the C file. */
  module?: string;
  /** builder `deb`: the Debian package the binary is taken from (`apt-get download`). */
  debPackage?: string;
  /** The C file (gcc) or the path inside the package (deb), relative, e.g. `bin/busybox`. */
  file: string;
}

export interface BinarySpec {
  /** Go package that `go build` turns into this binary; absent for import-only components. */
  package?: string;
  /** Source of a binary that builder `gcc` or `deb` makes. */
  source?: BinarySourceFile;
  /**
   * Arguments that make the binary print its version, e.g. `["--version"]`; `[]` when it prints
   * it run without arguments (CNI plugins).
   */
  versionArgs: string[];
  /** Environment for that probe, e.g. `CHECKPOINT_DISABLE=1` so terraform does not call home. */
  env?: Record<string, string>;
  /**
   * A regular expression the version output must match, `{version}`/`{bareVersion}` filled in;
   * default: the version standing alone (see version-probe.ts).
   */
  versionPattern?: string;
  /** Build tags added to the component's for this binary only. */
  tags?: string[];
  /**
   * `buildinfo`: the binary has no version command; its embedded Go module information (what
   * `go version -m` prints) must match `versionPattern` instead, and `versionArgs` is unused.
   */
  versionFrom?: 'buildinfo';
}

/**
 * How a component's binaries are made: `go` (default) builds its packages in the wrapper module,
 * `gcc` compiles a C file of a Go module's source (found through the wrapper module), `deb`
 * extracts a file from a Debian package.
 */
export type Builder = 'go' | 'gcc' | 'deb';

export interface ComponentSpec {
  binaries: Record<string, BinarySpec>;
  builder?: Builder;
  /** `-ldflags` entries; `{version}`, `{bareVersion}`, `{major}`, `{minorNumber}`, `{buildDate}` are filled in. */
  ldflags?: string[];
  /** Go build tags for every binary of the component. */
  tags?: string[];
  /** Build with cgo (CGO_ENABLED=1); default off, so binaries are static without trying. */
  cgo?: boolean;
  /** Extra `go build` flags, e.g. `-buildmode=pie`. */
  buildFlags?: string[];
  /** builder `gcc`: compiler flags; the same variables as ldflags are filled in. */
  cflags?: string[];
  /** Set when this component cannot be built here; says why and what to do instead. */
  notBuildable?: string;
  /**
   * Installed only when `--only` names it (or a set holding it): an addon's binary that most
   * hosts never run (Traefik's cold build is minutes), so `install <release>` leaves it out.
   */
  onlyWhenNamed?: boolean;
}

export interface ComponentPin {
  version: string;
  /** Directory under `components/` holding the Go wrapper module that builds it. */
  module?: string;
}

export interface VersionsManifest {
  defaultRelease: string;
  releases: Record<string, Record<string, ComponentPin>>;
  /**
   * Per release, the last day (`YYYY-MM-DD`) upstream supports its minor with patches, published
   * or expected; every release has one. A `$comment` key may explain the dates.
   */
  endOfSupport: Record<string, string>;
  shared: Record<string, ComponentPin>;
  /**
   * Command-line tools that belong to no release (OpenTofu and Terraform for the provider's
   * acceptance tests): pinned once, installed with `berth components install tools`.
   */
  tools?: Record<string, ComponentPin>;
  components: Record<string, ComponentSpec>;
  /** Named groups of binaries (`node`, `control-plane`, …) that `--only` accepts. */
  sets?: Record<string, string[]>;
}

/** What `berth components install|verify` take instead of a version to mean every tool. */
export const TOOLS = 'tools';

/** One component at the exact version a release uses, with what it takes to build it. */
export interface ResolvedComponent {
  name: string;
  version: string;
  module: string | undefined;
  spec: ComponentSpec;
}

export interface Release {
  /** The Kubernetes minor, e.g. `1.34`. */
  minor: string;
  /** The exact Kubernetes version, e.g. `v1.34.10`. */
  kubernetesVersion: string;
  components: ResolvedComponent[];
}

/** `components/` of the repository this package lives in (dist/ sits three levels below it). */
export function defaultComponentsDir(): string {
  return fileURLToPath(new URL('../../../components/', import.meta.url));
}

/** Reads and checks `versions.json`; throws BERTH_ERR_INTERNAL when the file is malformed. */
export function loadVersionsManifest(componentsDir: string): VersionsManifest {
  const file = `${componentsDir.replace(/\/$/, '')}/versions.json`;
  return parseVersionsManifest(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
}

export function parseVersionsManifest(raw: unknown, source = 'versions.json'): VersionsManifest {
  const m = raw as Partial<VersionsManifest> | null;
  const broken = (what: string) =>
    new BerthError('BERTH_ERR_INTERNAL', `${source}: ${what}`, { retryable: false });
  if (m === null || typeof m !== 'object') throw broken('not an object');
  if (typeof m.defaultRelease !== 'string') throw broken('defaultRelease missing');
  if (!m.releases || !m.shared || !m.components) throw broken('releases/shared/components missing');
  if (!(m.defaultRelease in m.releases)) throw broken(`defaultRelease ${m.defaultRelease} unknown`);
  for (const [minor, pins] of Object.entries(m.releases)) {
    if (!pins.kubernetes) throw broken(`release ${minor} has no kubernetes version`);
    const date = m.endOfSupport?.[minor];
    if (date === undefined || !isIsoDate(date)) {
      throw broken(`release ${minor} has no endOfSupport date (YYYY-MM-DD)`);
    }
    for (const name of Object.keys(pins)) {
      if (!m.components[name]) throw broken(`release ${minor} pins unknown component ${name}`);
    }
  }
  for (const [section, pins] of [
    ['shared', m.shared],
    ['tools', m.tools ?? {}],
  ] as const) {
    for (const name of Object.keys(pins)) {
      if (!m.components[name]) throw broken(`${section} pins unknown component ${name}`);
    }
  }
  for (const [name, spec] of Object.entries(m.components)) {
    const builder = spec.builder ?? 'go';
    if (!['go', 'gcc', 'deb'].includes(builder))
      throw broken(`${name}: unknown builder ${builder}`);
    if (spec.notBuildable !== undefined) continue;
    for (const [binary, b] of Object.entries(spec.binaries)) {
      const ok =
        builder === 'go'
          ? b.package !== undefined
          : builder === 'gcc'
            ? b.source?.module !== undefined && b.source.file !== undefined
            : b.source?.debPackage !== undefined && b.source.file !== undefined;
      if (!ok) throw broken(`${name}/${binary}: builder ${builder} lacks its package or source`);
    }
  }
  const known = new Set(Object.values(m.components).flatMap((c) => Object.keys(c.binaries)));
  for (const [set, names] of Object.entries(m.sets ?? {})) {
    if (known.has(set)) throw broken(`set ${set} has the name of a binary`);
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length > 0) throw broken(`set ${set} names unknown binaries ${unknown.join(', ')}`);
  }
  return m as VersionsManifest;
}

function isIsoDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
}

/** Whether Berth can make this component's binaries here (build or extract), not only import them. */
export function isBuildable(component: ResolvedComponent): boolean {
  if (component.spec.notBuildable !== undefined) return false;
  // go and gcc work inside a wrapper module; deb needs none.
  return component.spec.builder === 'deb' || component.module !== undefined;
}

/**
 * Expands `--only` names: binaries stay as they are, set names (`node`, `control-plane`) become
 * their binaries. Throws BERTH_ERR_VALIDATION (field `only`) for a name that is neither.
 */
export function expandOnly(manifest: VersionsManifest, names: string[]): string[] {
  const known = new Set(Object.values(manifest.components).flatMap((c) => Object.keys(c.binaries)));
  const sets = manifest.sets ?? {};
  const out = new Set<string>();
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    const members = sets[name];
    if (members) members.forEach((b) => out.add(b));
    else if (known.has(name)) out.add(name);
    else {
      throw errors.invalid(
        'only',
        `unknown component binary or set "${name}"; sets: ${Object.keys(sets).join(', ')}; ` +
          `binaries: ${[...known].join(', ')}`,
      );
    }
  }
  return [...out];
}

export function supportedVersions(manifest: VersionsManifest): string[] {
  return Object.entries(manifest.releases).map(([minor, pins]) =>
    minor === manifest.defaultRelease
      ? `${minor} (${pins.kubernetes?.version}, default)`
      : `${minor} (${pins.kubernetes?.version})`,
  );
}

/**
 * Resolves "1.34", "1.34.10", "v1.34.10" or "default" to its release. A patch version must be the one the
 * manifest pins: Berth runs exactly the versions it was tested with. Throws BERTH_ERR_VALIDATION
 * (field `version`) naming the supported versions otherwise.
 */
export function resolveRelease(manifest: VersionsManifest, input: string): Release {
  const wanted = input.trim() === 'default' ? manifest.defaultRelease : input.trim();
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(wanted);
  const minor = match ? `${match[1]}.${match[2]}` : undefined;
  const pins = minor === undefined ? undefined : manifest.releases[minor];
  const kubernetesVersion = pins?.kubernetes?.version;
  const patchMatches = match?.[3] === undefined || kubernetesVersion === `v${minor}.${match[3]}`;
  if (minor === undefined || !pins || !kubernetesVersion || !patchMatches) {
    throw errors.invalid(
      'version',
      `unsupported Kubernetes version "${input}"; supported: ${supportedVersions(manifest).join(', ')}`,
    );
  }
  return {
    minor,
    kubernetesVersion,
    components: resolvePins(manifest, { ...pins, ...manifest.shared }),
  };
}

/** Every tool at its pinned version. */
export function resolveTools(manifest: VersionsManifest): ResolvedComponent[] {
  return resolvePins(manifest, manifest.tools ?? {});
}

/** The tool that ships `binary` (e.g. `tofu`), or undefined when no tool does. */
export function toolOfBinary(
  manifest: VersionsManifest,
  binary: string,
): ResolvedComponent | undefined {
  return resolveTools(manifest).find((c) => binary in c.spec.binaries);
}

function resolvePins(
  manifest: VersionsManifest,
  pins: Record<string, ComponentPin>,
): ResolvedComponent[] {
  return Object.entries(pins).map(([name, pin]) => ({
    name,
    version: pin.version,
    module: pin.module,
    spec: manifest.components[name] as ComponentSpec,
  }));
}

/** The component of a release that ships `binary`; throws BERTH_ERR_VALIDATION when none does. */
export function componentOfBinary(release: Release, binary: string): ResolvedComponent {
  const found = release.components.find((c) => binary in c.spec.binaries);
  if (!found) {
    const known = release.components.flatMap((c) => Object.keys(c.spec.binaries));
    throw errors.invalid(
      'name',
      `unknown component binary "${binary}"; known: ${known.join(', ')}`,
    );
  }
  return found;
}
