/**
 * haproxy.cfg for one load balancer, in Octavia's model: a frontend per listener, a backend
 * per pool, members as servers with health checks when the pool has a monitor, PROXY protocol
 * toward members when the pool asks for it, and an admin stats socket from which member status
 * is read.
 */
import { renderHealthCheck, type HealthMonitorSpec } from './haproxy-health.js';

export type ListenerProtocol = 'TCP' | 'HTTP' | 'HTTPS' | 'TERMINATED_HTTPS';
/** PROXY / PROXYV2 are TCP pools whose connections start with a PROXY protocol header. */
export type PoolProtocol = 'TCP' | 'HTTP' | 'HTTPS' | 'PROXY' | 'PROXYV2';
export type LbAlgorithm = 'ROUND_ROBIN' | 'LEAST_CONNECTIONS' | 'SOURCE_IP';

export interface ListenerSpec {
  id: string;
  protocol: ListenerProtocol;
  port: number;
  defaultPoolId?: string;
  /** TERMINATED_HTTPS: a PEM bundle (certificate chain + key). */
  certificatePath?: string;
  connectionLimit?: number;
  /** When set, connections from other sources are rejected. */
  allowedCidrs?: string[];
  timeoutClientMs?: number;
  timeoutMemberConnectMs?: number;
  timeoutMemberDataMs?: number;
  /** HTTP modes: add X-Forwarded-For (`option forwardfor`). Default true. */
  forwardedFor?: boolean;
  /** TERMINATED_HTTPS: add X-Forwarded-Proto. Default true. */
  forwardedProto?: boolean;
}

export interface MemberSpec {
  id: string;
  address: string;
  port: number;
  weight?: number;
  adminStateUp?: boolean;
  backup?: boolean;
}

export interface PoolSpec {
  id: string;
  protocol: PoolProtocol;
  algorithm: LbAlgorithm;
  members: MemberSpec[];
  healthMonitor?: HealthMonitorSpec;
  /** SOURCE_IP: a client address sticks to its member (a stick table on the source). */
  sessionPersistence?: 'NONE' | 'SOURCE_IP';
}

export interface HaproxySpec {
  loadBalancerId: string;
  /** The address listeners bind to. */
  vip: string;
  listeners: ListenerSpec[];
  pools: PoolSpec[];
  /** Unix socket for `show stat` (member status) and runtime commands. */
  statsSocketPath: string;
  maxConnections?: number;
}

/**
 * HAProxy reserves about two file descriptors per connection and refuses to start when the
 * process's hard limit is lower; 4096 fits the common 8k–20k limits of a development host.
 */
const DEFAULT_MAXCONN = 4096;
const DEFAULT_TIMEOUT_MS = 50_000;
const DEFAULT_CONNECT_MS = 5_000;

export function renderHaproxyConfig(spec: HaproxySpec): string {
  const sections = [
    renderGlobal(spec),
    renderDefaults(),
    ...[...spec.listeners].sort((a, b) => a.port - b.port).flatMap((l) => renderListener(spec, l)),
  ];
  return sections.map((lines) => lines.join('\n')).join('\n\n') + '\n';
}

function renderGlobal(spec: HaproxySpec): string[] {
  return [
    `# Load balancer ${spec.loadBalancerId}, rendered by Berth; changes here are overwritten.`,
    'global',
    `    maxconn ${spec.maxConnections ?? DEFAULT_MAXCONN}`,
    '    log stderr format raw local0',
    `    stats socket ${spec.statsSocketPath} mode 600 level admin expose-fd listeners`,
    '    stats timeout 2m',
  ];
}

function renderDefaults(): string[] {
  return [
    'defaults',
    '    log global',
    '    retries 3',
    // Every retry goes to another member, at once: HAProxy waits a second before retrying the
    // same server, so a member that refuses (a node whose kube-proxy has not programmed its
    // NodePorts yet, an API server that just stopped) would cost a client 3 s.
    '    option redispatch 1',
    '    option dontlognull',
    `    timeout connect ${DEFAULT_CONNECT_MS}ms`,
    `    timeout client ${DEFAULT_TIMEOUT_MS}ms`,
    `    timeout server ${DEFAULT_TIMEOUT_MS}ms`,
  ];
}

/** HTTP-mode listeners parse requests; TCP and TLS passthrough forward bytes. */
function listenerMode(protocol: ListenerProtocol): 'http' | 'tcp' {
  return protocol === 'HTTP' || protocol === 'TERMINATED_HTTPS' ? 'http' : 'tcp';
}

function renderListener(spec: HaproxySpec, listener: ListenerSpec): string[][] {
  const pool = spec.pools.find((p) => p.id === listener.defaultPoolId);
  const frontend = renderFrontend(spec, listener, pool);
  return pool === undefined ? [frontend] : [frontend, renderBackend(listener, pool)];
}

export function backendName(poolId: string, listenerId: string): string {
  return `${poolId}:${listenerId}`;
}

function renderFrontend(spec: HaproxySpec, l: ListenerSpec, pool: PoolSpec | undefined): string[] {
  const mode = listenerMode(l.protocol);
  const lines = [`frontend ${l.id}`, `    mode ${mode}`];
  lines.push(`    maxconn ${l.connectionLimit ?? spec.maxConnections ?? DEFAULT_MAXCONN}`);
  lines.push(`    bind ${spec.vip}:${l.port}${bindTls(l)}`);
  lines.push(mode === 'http' ? '    option httplog' : '    option tcplog');
  if (l.allowedCidrs !== undefined && l.allowedCidrs.length > 0) {
    lines.push(`    acl allowed-cidr src ${l.allowedCidrs.join(' ')}`);
    lines.push('    tcp-request connection reject unless allowed-cidr');
  }
  if (mode === 'http' && l.forwardedFor !== false) lines.push('    option forwardfor');
  if (l.protocol === 'TERMINATED_HTTPS' && l.forwardedProto !== false) {
    lines.push('    http-request set-header X-Forwarded-Proto https');
  }
  lines.push(`    timeout client ${l.timeoutClientMs ?? DEFAULT_TIMEOUT_MS}ms`);
  if (pool !== undefined) lines.push(`    default_backend ${backendName(pool.id, l.id)}`);
  return lines;
}

function bindTls(l: ListenerSpec): string {
  if (l.protocol !== 'TERMINATED_HTTPS') return '';
  return ` ssl crt ${l.certificatePath ?? '/missing-certificate.pem'} alpn h2,http/1.1`;
}

const BALANCE: Record<LbAlgorithm, string> = {
  ROUND_ROBIN: 'roundrobin',
  LEAST_CONNECTIONS: 'leastconn',
  SOURCE_IP: 'source',
};

function renderBackend(l: ListenerSpec, pool: PoolSpec): string[] {
  const mode = listenerMode(l.protocol);
  const lines = [`backend ${backendName(pool.id, l.id)}`, `    mode ${mode}`];
  lines.push(`    balance ${BALANCE[pool.algorithm]}`);
  if (pool.sessionPersistence === 'SOURCE_IP') {
    lines.push('    stick-table type ip size 10k expire 30m', '    stick on src');
  }
  if (mode === 'http' && pool.protocol === 'HTTP') lines.push('    option http-keep-alive');
  if (pool.healthMonitor !== undefined) lines.push(...renderHealthCheck(pool.healthMonitor));
  lines.push(`    timeout connect ${l.timeoutMemberConnectMs ?? DEFAULT_CONNECT_MS}ms`);
  lines.push(`    timeout server ${l.timeoutMemberDataMs ?? DEFAULT_TIMEOUT_MS}ms`);
  const members = [...pool.members].sort((a, b) => a.id.localeCompare(b.id));
  lines.push(...members.map((m) => `    ${renderMember(pool, m)}`));
  return lines;
}

function renderMember(pool: PoolSpec, m: MemberSpec): string {
  const parts = [`server ${m.id} ${m.address}:${m.port}`, `weight ${m.weight ?? 1}`];
  const hm = pool.healthMonitor;
  if (hm !== undefined) {
    parts.push(`check inter ${hm.delayMs}ms fall ${hm.maxRetriesDown} rise ${hm.maxRetries}`);
  }
  if (pool.protocol === 'PROXY') parts.push('send-proxy');
  if (pool.protocol === 'PROXYV2') parts.push('send-proxy-v2');
  // An HTTPS monitor checks over TLS whatever the pool carries (a TCP pool of TLS servers).
  if (hm?.type === 'HTTPS') parts.push('check-ssl verify none');
  if (m.backup === true) parts.push('backup');
  if (m.adminStateUp === false) parts.push('disabled');
  return parts.join(' ');
}
