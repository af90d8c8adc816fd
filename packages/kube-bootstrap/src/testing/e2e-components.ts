/**
 * The component binaries an end-to-end test runs, from the component cache (installed there if
 * missing, which builds them once), plus the Node.js runtime and registration script a worker
 * runs.
 */
import {
  cacheDirFromEnv,
  createComponentStore,
  createProcessRunner,
  defaultComponentsDir,
  describeEvent,
  mirrorUrlFromEnv,
} from '@berth/components';
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

export async function e2eComponents(progress: (line: string) => void): Promise<E2eComponents> {
  const mirrorUrl = mirrorUrlFromEnv(process.env);
  const store = createComponentStore({
    cacheDir: cacheDirFromEnv(process.env),
    componentsDir: defaultComponentsDir(),
    runner: createProcessRunner(),
    ...(mirrorUrl ? { mirrorUrl } : {}),
  });
  const version = store.versions.defaultRelease;
  await store.install(version, {
    only: ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'],
    onProgress: (e) => {
      const line = describeEvent(e);
      if (line) progress(line);
    },
  });
  const path = (binary: string) => store.path(binary, version);
  return {
    kubernetesVersion: store.resolve(version).kubernetesVersion,
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
