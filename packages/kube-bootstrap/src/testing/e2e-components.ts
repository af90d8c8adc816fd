/**
 * The component binaries an end-to-end test runs, from the component cache (installed there if
 * missing, which builds them once), plus the Node.js runtime and registration script a worker
 * runs.
 */
import {
  cacheDirFromEnv,
  createComponentStore,
  defaultComponentsDir,
  describeEvent,
  mirrorUrlFromEnv,
} from '@berth/components';
import { ProcessRunner } from '@berth/exec';
import { nodeAgentPaths, type NodeAgentPaths } from '../node-agent-paths.js';

export interface E2eComponents {
  kubernetesVersion: string;
  master: {
    etcd: string;
    kubeApiserver: string;
    kubeControllerManager: string;
    kubeScheduler: string;
    node: string;
    etcdMemberScript: string;
  };
  worker: { kwok: string; node: string; registerScript: string };
  agent: NodeAgentPaths;
}

/**
 * A component store on the cache, with `only` installed for the default release (built once if
 * missing); `path(binary)` gives a verified path.
 */
export async function installedComponents(only: string[], progress: (line: string) => void) {
  const mirrorUrl = mirrorUrlFromEnv(process.env);
  const store = createComponentStore({
    cacheDir: cacheDirFromEnv(process.env),
    componentsDir: defaultComponentsDir(),
    runner: new ProcessRunner(),
    ...(mirrorUrl ? { mirrorUrl } : {}),
  });
  const version = store.versions.defaultRelease;
  await store.install(version, {
    only,
    onProgress: (e) => {
      const line = describeEvent(e);
      if (line) progress(line);
    },
  });
  return {
    kubernetesVersion: store.resolve(version).kubernetesVersion,
    path: (binary: string) => store.path(binary, version),
  };
}

export async function e2eComponents(progress: (line: string) => void): Promise<E2eComponents> {
  const { path, kubernetesVersion } = await installedComponents(
    ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'],
    progress,
  );
  return {
    kubernetesVersion,
    master: {
      etcd: await path('etcd'),
      kubeApiserver: await path('kube-apiserver'),
      kubeControllerManager: await path('kube-controller-manager'),
      kubeScheduler: await path('kube-scheduler'),
      node: process.execPath,
      etcdMemberScript: nodeAgentPaths().etcdMemberScript,
    },
    worker: { kwok: await path('kwok'), ...nodeAgentPaths() },
    agent: nodeAgentPaths(),
  };
}
