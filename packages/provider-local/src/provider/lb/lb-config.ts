/**
 * A load balancer's records → the files and services of its amphorae, pure: haproxy.cfg, TLS
 * bundles, and for ACTIVE_STANDBY keepalived.conf with its scripts. Listeners, pools, members
 * and monitors map one-to-one onto the HAProxy spec (see render/haproxy-cfg.ts).
 */
import path from 'node:path';
import type {
  HealthMonitor,
  Listener,
  LoadBalancer,
  Member,
  Pool,
  TlsCertificateInput,
} from '@berth/provider-api';
import type { UserData as AgentUserData } from '../../agent/user-data.js';
import { renderHaproxyConfig, type HaproxySpec } from '../../render/haproxy-cfg.js';
import {
  renderCheckScript,
  renderKeepalivedConfig,
  renderNotifyScript,
} from '../../render/keepalived-conf.js';
import { shortHash } from '../../names.js';
import type { AmphoraLocal } from '../records.js';

export interface LbRecords {
  lb: LoadBalancer;
  listeners: Array<{ listener: Listener; tls?: TlsCertificateInput }>;
  pools: Pool[];
  members: Member[];
  monitors: HealthMonitor[];
}

/** Paths inside an amphora's root dir (the agent's working directory). */
export const AMPHORA_FILES = {
  haproxyCfg: 'haproxy.cfg',
  haproxyPid: 'haproxy.pid',
  statsSocket: 'stats.sock',
  keepalivedConf: 'keepalived.conf',
  checkScript: 'check-haproxy.sh',
  notifyScript: 'notify.sh',
  vrrpState: 'vrrp-state',
  cert: (listenerId: string) => `certs/${listenerId}.pem`,
};

export interface AmphoraContext {
  amphora: AmphoraLocal;
  /** Absolute root dir of the amphora (the agent's root). */
  rootDir: string;
  /** The VIP's prefix length on its subnet. */
  vipPrefix: number;
  /** Addresses of the other amphorae (ACTIVE_STANDBY). */
  peers: string[];
}

/**
 * Where an amphora's HAProxy stats socket lives. A UNIX socket path is limited to 107 bytes, which
 * a data dir plus amphora ids easily exceeds, so the socket sits in a short host directory under a
 * name derived from the amphora's root dir.
 */
export const STATS_SOCKET_DIR = '/run/berth';

export function statsSocketPath(rootDir: string): string {
  return path.join(STATS_SOCKET_DIR, `amp-${shortHash(rootDir, 16)}.sock`);
}

export function haproxySpec(records: LbRecords, rootDir: string): HaproxySpec {
  const { lb } = records;
  return {
    loadBalancerId: lb.id,
    vip: lb.vipAddress,
    statsSocketPath: statsSocketPath(rootDir),
    listeners: records.listeners.map(({ listener: l }) => ({
      id: l.id,
      protocol: l.protocol,
      port: l.protocolPort,
      ...(l.defaultPoolId === null ? {} : { defaultPoolId: l.defaultPoolId }),
      ...(l.protocol === 'TERMINATED_HTTPS'
        ? { certificatePath: path.join(rootDir, AMPHORA_FILES.cert(l.id)) }
        : {}),
      ...(l.connectionLimit === null ? {} : { connectionLimit: l.connectionLimit }),
      ...(l.allowedCidrs.length === 0 ? {} : { allowedCidrs: l.allowedCidrs }),
      timeoutClientMs: l.timeoutClientDataMs,
      timeoutMemberDataMs: l.timeoutMemberDataMs,
      forwardedFor: l.insertHeaders.xForwardedFor,
      forwardedProto: l.insertHeaders.xForwardedProto,
    })),
    pools: records.pools.map((p) => {
      const monitor = records.monitors.find((m) => m.poolId === p.id);
      return {
        id: p.id,
        protocol: p.protocol,
        algorithm: p.lbAlgorithm,
        sessionPersistence: p.sessionPersistence,
        members: records.members
          .filter((m) => m.poolId === p.id)
          .map((m) => ({
            id: m.id,
            address: m.address,
            port: m.protocolPort,
            weight: m.weight,
            backup: m.backup,
          })),
        ...(monitor === undefined
          ? {}
          : {
              healthMonitor: {
                type: monitor.type,
                delayMs: monitor.delaySeconds * 1000,
                timeoutMs: monitor.timeoutSeconds * 1000,
                maxRetries: monitor.maxRetries,
                maxRetriesDown: monitor.maxRetriesDown,
                ...(monitor.httpMethod === null ? {} : { httpMethod: monitor.httpMethod }),
                ...(monitor.urlPath === null ? {} : { urlPath: monitor.urlPath }),
                ...(monitor.expectedCodes === null ? {} : { expectedCodes: monitor.expectedCodes }),
              },
            }),
      };
    }),
  };
}

/** A PEM bundle as HAProxy wants it: certificate, chain, key. */
export function tlsBundle(tls: TlsCertificateInput): string {
  const parts = [tls.certificatePem, tls.chainPem ?? '', tls.privateKeyPem];
  return (
    parts
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .join('\n') + '\n'
  );
}

/** VRRP router id for a load balancer: 1–255, stable per load balancer. */
export function virtualRouterId(lbId: string): number {
  return (Number.parseInt(shortHash(lbId, 4), 16) % 255) + 1;
}

/** The agent user data of one amphora. */
export function amphoraUserData(records: LbRecords, amp: AmphoraContext): AgentUserData {
  const cfg = renderHaproxyConfig(haproxySpec(records, amp.rootDir));
  const files: NonNullable<AgentUserData['files']> = [
    { path: AMPHORA_FILES.haproxyCfg, content: cfg },
  ];
  for (const { listener, tls } of records.listeners) {
    if (tls !== undefined)
      files.push({ path: AMPHORA_FILES.cert(listener.id), content: tlsBundle(tls), mode: 0o600 });
  }
  const haproxy = {
    name: 'haproxy',
    command: 'haproxy',
    args: ['-W', '-db', '-f', AMPHORA_FILES.haproxyCfg, '-p', AMPHORA_FILES.haproxyPid],
    reloadSignal: 'SIGUSR2' as const,
  };
  if (records.lb.topology === 'SINGLE') return { files, services: [haproxy] };
  const abs = (p: string) => path.join(amp.rootDir, p);
  files.push(
    {
      path: AMPHORA_FILES.checkScript,
      content: renderCheckScript(abs(AMPHORA_FILES.haproxyPid)),
      mode: 0o755,
    },
    {
      path: AMPHORA_FILES.notifyScript,
      content: renderNotifyScript(abs(AMPHORA_FILES.vrrpState)),
      mode: 0o755,
    },
    {
      path: AMPHORA_FILES.keepalivedConf,
      content: renderKeepalivedConfig({
        amphoraId: amp.amphora.id,
        instanceName: `lb_${shortHash(records.lb.id, 8)}`,
        virtualRouterId: virtualRouterId(records.lb.id),
        priority: amp.amphora.role === 'MASTER' ? 100 : 90,
        iface: 'eth0',
        unicastSrcIp: amp.amphora.ip,
        unicastPeers: amp.peers,
        vipCidr: `${records.lb.vipAddress}/${amp.vipPrefix}`,
        checkScriptPath: abs(AMPHORA_FILES.checkScript),
        notifyScriptPath: abs(AMPHORA_FILES.notifyScript),
      }),
    },
  );
  const keepalived = {
    name: 'keepalived',
    command: 'keepalived',
    args: [
      '--dont-fork',
      '--log-console',
      '--log-detail',
      '--vrrp',
      '--use-file',
      abs(AMPHORA_FILES.keepalivedConf),
      '--pid',
      abs('keepalived.pid'),
      '--vrrp_pid',
      abs('keepalived-vrrp.pid'),
    ],
    reloadSignal: 'SIGHUP' as const,
    // Not for a new haproxy.cfg: a reloaded VRRP instance can drop to BACKUP and move the VIP.
    reloadOn: [AMPHORA_FILES.keepalivedConf],
    // A clean shutdown hands the VIP over (priority-0 advert) before HAProxy stops serving.
    stopFirst: true,
  };
  return { files, services: [haproxy, keepalived] };
}
