/**
 * CustomResourceDefinitions read from an upstream Go module at run time, so Berth never copies
 * upstream YAML into its repository: `go mod download -json <module>@<version>` (run in the
 * component's wrapper module, whose go.sum verifies it; a module already in the module cache is
 * not downloaded again) names the module's directory, and the named files under `dir` are parsed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { AddonObject } from '@berth/controller-ports';
import type { CommandRunner } from '@berth/exec';

/**
 * The Prometheus Operator CRDs the monitoring addon applies (files of
 * `example/prometheus-operator-crd/` in its module): what its Prometheus selects. Alertmanager,
 * ThanosRuler, PrometheusAgent, ScrapeConfig and AlertmanagerConfig are left out (the operator
 * runs without them; together they are another 3 MB to apply).
 */
export const PROMETHEUS_OPERATOR_CRDS = [
  'monitoring.coreos.com_prometheuses.yaml',
  'monitoring.coreos.com_servicemonitors.yaml',
  'monitoring.coreos.com_podmonitors.yaml',
  'monitoring.coreos.com_probes.yaml',
  'monitoring.coreos.com_prometheusrules.yaml',
] as const;

export interface ModuleCrdsInput {
  runner: CommandRunner;
  goBinary: string;
  /** The wrapper module's directory, e.g. `components/prometheus-operator`. */
  wrapperDir: string;
  module: string;
  version: string;
  /** Directory inside the module, e.g. `example/prometheus-operator-crd`. */
  dir: string;
  files: readonly string[];
  signal?: AbortSignal;
}

/**
 * The CRDs in `files`, in that order.
 * @throws Error when go cannot download the module or a file is missing or not a CRD
 */
export async function loadModuleCrds(input: ModuleCrdsInput): Promise<AddonObject[]> {
  const result = await input.runner.run(
    input.goBinary,
    ['mod', 'download', '-json', `${input.module}@${input.version}`],
    {
      check: false,
      cwd: input.wrapperDir,
      env: { GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
      ...(input.signal ? { signal: input.signal } : {}),
    },
  );
  if (result.exitCode !== 0)
    throw new Error(`go mod download ${input.module}@${input.version}: ${result.stderr.trim()}`);
  const { Dir } = JSON.parse(result.stdout) as { Dir?: string };
  if (Dir === undefined) throw new Error(`go mod download named no directory for ${input.module}`);
  const crds: AddonObject[] = [];
  for (const file of input.files) {
    const text = await readFile(join(Dir, input.dir, file), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      const object = doc.toJS() as AddonObject | null;
      if (object === null) continue;
      if (object.kind !== 'CustomResourceDefinition')
        throw new Error(`${file} holds a ${object.kind}, not a CustomResourceDefinition`);
      crds.push(object);
    }
  }
  return crds;
}

/** `load` once it succeeds; a failure is retried on the next call (e.g. the proxy was down). */
export function memoizeSuccess<T>(load: () => Promise<T>): () => Promise<T> {
  let found: Promise<T> | undefined;
  return () => {
    found ??= load().catch((err: unknown) => {
      found = undefined;
      throw err;
    });
    return found;
  };
}
