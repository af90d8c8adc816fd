/**
 * Generic object calls for tests, through the library's KubernetesObjectApi and Berth's adapter
 * (timeouts, errors as BerthErrors): create, read (undefined when absent), list and delete any
 * kind by apiVersion and kind.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from '../kube-client.js';

type Obj = KubernetesObject & Record<string, unknown>;

const header = (apiVersion: string, kind: string, namespace: string | undefined, name: string) => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
});

export function kubeObjects(api: KubeClient) {
  return {
    create: (object: Obj) =>
      api.call(`create ${object.kind} ${object.metadata?.name ?? ''}`, (k) =>
        k.objects.create(object),
      ),
    read: <T = Obj>(
      apiVersion: string,
      kind: string,
      namespace: string | undefined,
      name: string,
    ) =>
      api.find(`read ${kind} ${name}`, (k) =>
        k.objects.read(header(apiVersion, kind, namespace, name)),
      ) as Promise<T | undefined>,
    list: <T = Obj>(apiVersion: string, kind: string, namespace?: string, fieldSelector?: string) =>
      api
        .call(`list ${kind}`, (k) =>
          k.objects.list(
            apiVersion,
            kind,
            namespace,
            undefined,
            undefined,
            undefined,
            fieldSelector,
          ),
        )
        .then((l) => l.items as T[]),
    delete: (apiVersion: string, kind: string, namespace: string | undefined, name: string) =>
      api.find(`delete ${kind} ${name}`, (k) =>
        k.objects.delete(header(apiVersion, kind, namespace, name)),
      ),
  };
}
