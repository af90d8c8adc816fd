/**
 * The platform registry as a cluster's nodes use it (issue 8): where to pull from, which CA to
 * trust for it, the platform images' references and a pull credential per cluster. The
 * composition root builds it from the running registry and hands it to the node runtime
 * (kube-bootstrap's factory option `registry`); it is absent when the server runs no registry.
 */
export interface PlatformImageRefs {
  /** e.g. `198.18.0.1:5000/berth/pause:v3.10.1`: the sandbox image (containerd's `sandbox_image`). */
  pause: string;
  /** e.g. `198.18.0.1:5000/berth/coredns:v1.14.7`. */
  coredns: string;
  /**
   * e.g. `198.18.0.1:5000/berth/traefik:v3.6.12`, the ingress addon's controller: present once
   * the registry published it (the component is built on demand, `--only addons`).
   */
  traefik?: string;
  /**
   * Every addon image the registry published, by binary (`traefik`, `prometheus`,
   * `prometheus-operator`, `prometheus-config-reloader`, `kube-state-metrics`, `node_exporter`,
   * `metrics-server-v0.8.0`, …): what the addon renderers take.
   */
  addons?: Readonly<Record<string, string>>;
}

export interface NodePullCredential {
  /** `berth-node.<project>.<cluster uid>`. */
  username: string;
  /** A secret: pull on the cluster's project (and the public `berth/*`). Never log it. */
  password: string;
}

export interface PlatformRegistry {
  /**
   * `host:port` as nodes reach it and as image references name it (the same name works from
   * the host): on the local provider the external bridge's gateway address.
   */
  readonly endpoint: string;
  /** PEM of Berth's registry CA: nodes trust it for `endpoint` (containerd `certs.d/<endpoint>/ca.crt`). */
  readonly caCertificate: string;
  /**
   * Image references of a release's platform images (`1.34`, `1.34.10`, `default`).
   * @throws BERTH_ERR_VALIDATION for a release Berth does not support
   */
  platformImages(release: string): PlatformImageRefs;
  /**
   * The credential a cluster's nodes use so `kubectl run --image=<endpoint>/<project>/<name>`
   * pulls without an imagePullSecret. Stable across restarts (derived from a sealed key).
   */
  nodePullCredential(cluster: { project: string; uid: string }): NodePullCredential;
}
