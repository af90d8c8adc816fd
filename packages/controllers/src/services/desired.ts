/**
 * What a LoadBalancer Service asks for, as pure functions: its annotations parsed (or the
 * problems found in them), and the listeners, pools and members its ports and the cluster's
 * nodes call for. Nothing here talks to the provider or the cluster.
 */
import type { ListenerProtocol, PoolProtocol } from '@berth/provider-api';
import type { ClusterNode, ClusterService } from '@berth/controller-ports';

export const ServiceAnnotations = {
  /** `"true"`: only the VIP on the cluster's network, no floating IP. */
  internal: 'loadbalancer.berth.dev/internal',
  /** `"v1"` or `"v2"`: the PROXY protocol header toward members. */
  proxyProtocol: 'loadbalancer.berth.dev/proxy-protocol',
  /** Name of a `kubernetes.io/tls` Secret in the Service's namespace. */
  tlsSecret: 'loadbalancer.berth.dev/tls-secret',
  /** Comma-separated Service ports whose listeners terminate TLS, e.g. `"443,8443"`. */
  tlsPorts: 'loadbalancer.berth.dev/tls-ports',
  /**
   * Comma-separated Service ports whose listeners speak plain HTTP (pools `HTTP`, or PROXY), so
   * the amphora adds X-Forwarded-For, e.g. the port 80 beside a TLS-terminating 443.
   */
  httpPorts: 'loadbalancer.berth.dev/http-ports',
} as const;

export interface LoadBalancerOptions {
  internal: boolean;
  proxyProtocol?: 'PROXY' | 'PROXYV2';
  tls?: { secretName: string; ports: number[] };
  /** Ports with an HTTP listener (not TLS ones: those are TERMINATED_HTTPS). */
  httpPorts?: number[];
}

export type ParsedOptions = { options: LoadBalancerOptions } | { problems: string[] };

const PROXY_VERSIONS: Record<string, 'PROXY' | 'PROXYV2'> = { v1: 'PROXY', v2: 'PROXYV2' };

/** The Service's load-balancer annotations, or every problem found in them. */
export function parseAnnotations(service: ClusterService): ParsedOptions {
  const a = service.annotations;
  const problems: string[] = [];
  const options: LoadBalancerOptions = { internal: false };
  const internal = a[ServiceAnnotations.internal];
  if (internal === 'true') options.internal = true;
  else if (internal !== undefined && internal !== 'false')
    problems.push(`${ServiceAnnotations.internal} must be "true" or "false", not "${internal}"`);
  const proxy = a[ServiceAnnotations.proxyProtocol];
  if (proxy !== undefined) {
    const protocol = PROXY_VERSIONS[proxy];
    if (protocol === undefined)
      problems.push(`${ServiceAnnotations.proxyProtocol} must be "v1" or "v2", not "${proxy}"`);
    else options.proxyProtocol = protocol;
  }
  const tls = parseTls(service, problems);
  if (tls !== undefined) options.tls = tls;
  const httpPorts = a[ServiceAnnotations.httpPorts];
  if (httpPorts !== undefined) {
    options.httpPorts = parsePorts(service, ServiceAnnotations.httpPorts, httpPorts, problems);
    for (const port of options.httpPorts.filter((p) => tls?.ports.includes(p)))
      problems.push(`${ServiceAnnotations.httpPorts}: port ${port} is a TLS port too`);
  }
  return problems.length > 0 ? { problems } : { options };
}

function parseTls(service: ClusterService, problems: string[]): LoadBalancerOptions['tls'] {
  const secretName = service.annotations[ServiceAnnotations.tlsSecret];
  const portsText = service.annotations[ServiceAnnotations.tlsPorts];
  if (secretName === undefined && portsText === undefined) return undefined;
  if (secretName === undefined || secretName === '') {
    problems.push(`${ServiceAnnotations.tlsPorts} needs ${ServiceAnnotations.tlsSecret}`);
    return undefined;
  }
  if (portsText === undefined) {
    problems.push(`${ServiceAnnotations.tlsSecret} needs ${ServiceAnnotations.tlsPorts}`);
    return undefined;
  }
  return {
    secretName,
    ports: parsePorts(service, ServiceAnnotations.tlsPorts, portsText, problems),
  };
}

/** `"443,8443"` as ports of the Service; an item that is not one is a problem. */
function parsePorts(
  service: ClusterService,
  annotation: string,
  text: string,
  problems: string[],
): number[] {
  const ports: number[] = [];
  for (const item of text.split(',').map((p) => p.trim())) {
    const port = /^\d{1,5}$/.test(item) ? Number(item) : NaN;
    if (!service.ports.some((p) => p.port === port)) {
      problems.push(`${annotation}: "${item}" is not a port of the Service`);
    } else if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

export interface DesiredListener {
  port: number;
  nodePort: number;
  listenerProtocol: ListenerProtocol;
  poolProtocol: PoolProtocol;
  /**
   * Headers the load balancer adds on HTTP and TERMINATED_HTTPS listeners (it parses the
   * requests there): X-Forwarded-For, the client's address, which the members would otherwise
   * never learn; X-Forwarded-Proto `https` where TLS ended. Providers default both to off, as
   * Octavia does. TCP listeners add nothing.
   */
  insertHeaders: { xForwardedFor: boolean; xForwardedProto: boolean };
}

export interface DesiredLoadBalancer {
  listeners: DesiredListener[];
  /** InternalIPs of the nodes that should receive traffic. */
  memberAddresses: string[];
  /** Source CIDRs every listener admits (`loadBalancerSourceRanges`); empty admits all. */
  allowedCidrs: string[];
  /** Ports that cannot be balanced (not TCP, no nodePort), as messages for an event. */
  skipped: string[];
}

/**
 * Listeners per TCP port (TERMINATED_HTTPS for TLS ports, HTTP for HTTP ports, both with HTTP
 * pools unless PROXY is asked), pools toward each
 * port's nodePort, and the members: every Ready node with an InternalIP, or — with
 * `externalTrafficPolicy: Local` — only those holding a ready endpoint of the Service.
 */
export function desiredLoadBalancer(
  service: ClusterService,
  options: LoadBalancerOptions,
  nodes: ClusterNode[],
  endpointNodes: Set<string> | undefined,
): DesiredLoadBalancer {
  const listeners: DesiredListener[] = [];
  const skipped: string[] = [];
  for (const p of service.ports) {
    if (p.protocol !== 'TCP') skipped.push(`port ${p.port}/${p.protocol}: only TCP is balanced`);
    else if (p.nodePort === undefined) skipped.push(`port ${p.port}: it has no nodePort`);
    else listeners.push(listenerFor(p.port, p.nodePort, options));
  }
  const local = service.externalTrafficPolicy === 'Local';
  const memberAddresses = nodes
    .filter((n) => n.ready && !n.excluded && n.internalIp !== undefined)
    .filter((n) => !local || (endpointNodes?.has(n.name) ?? false))
    .map((n) => n.internalIp as string)
    .sort();
  return {
    listeners,
    memberAddresses: [...new Set(memberAddresses)],
    allowedCidrs: [...new Set(service.sourceRanges)].sort(),
    skipped,
  };
}

function listenerFor(port: number, nodePort: number, options: LoadBalancerOptions) {
  const tls = options.tls?.ports.includes(port) ?? false;
  const http = options.httpPorts?.includes(port) ?? false;
  const listenerProtocol: ListenerProtocol = tls ? 'TERMINATED_HTTPS' : http ? 'HTTP' : 'TCP';
  return {
    port,
    nodePort,
    listenerProtocol,
    poolProtocol: options.proxyProtocol ?? (listenerProtocol === 'TCP' ? 'TCP' : 'HTTP'),
    insertHeaders: { xForwardedFor: listenerProtocol !== 'TCP', xForwardedProto: tls },
  } satisfies DesiredListener;
}
