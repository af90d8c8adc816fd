/**
 * Which node runtimes this server can run. Real nodes (`containerd`) pull their sandbox and
 * CoreDNS images from the platform registry; a local-provider server without one (started with
 * `--no-registry`, or the registry failed to start) refuses them at the API with 503
 * `BERTH_ERR_UNAVAILABLE` naming the field, instead of accepting node groups whose servers
 * could never start. `simulated` (kwok) always runs.
 */
import type { NodeGroupSpec } from '@berth/api-types';
import { BerthError } from '@berth/errors';

export interface RuntimeSupport {
  /** Why real nodes cannot run on this server; undefined when they can. */
  containerdUnavailable?: string;
}

export function refuseUnavailableRuntime(
  spec: Pick<NodeGroupSpec, 'runtime'>,
  path: string,
  support: RuntimeSupport | undefined,
): void {
  const why = support?.containerdUnavailable;
  if (spec.runtime !== 'containerd' || why === undefined) return;
  const field = `${path}.runtime`;
  throw new BerthError(
    'BERTH_ERR_UNAVAILABLE',
    `${field}: real nodes cannot run on this server: ${why}; ask for runtime "simulated" or run the platform registry`,
    { field },
  );
}
