/**
 * keepalived.conf for one amphora of an ACTIVE_STANDBY pair, plus the two scripts it runs.
 * VRRP is unicast (bridges in a namespace fabric carry multicast, but unicast names the peer
 * and keeps one pair from hearing another's adverts). Both amphorae start as BACKUP with
 * `nopreempt`, so a recovered amphora does not take the VIP back and cut connections twice.
 * VRRPv3, because it allows sub-second adverts: the standby declares the master dead after three
 * missed adverts plus a skew, so 0.5 s adverts fail over in under 2 s where VRRPv2's whole
 * seconds take over 3.5 s. A graceful stop sends a priority-0 advert and hands over at once.
 */
export interface KeepalivedSpec {
  /** The amphora's id, used as keepalived's router_id. */
  amphoraId: string;
  /** VRRP instance name; the same on both amphorae. */
  instanceName: string;
  /** 1–255, unique per pair on a network. */
  virtualRouterId: number;
  /** Higher wins the first election. */
  priority: number;
  iface: string;
  unicastSrcIp: string;
  unicastPeers: string[];
  /** The VIP with its prefix, e.g. `10.0.0.100/24`. */
  vipCidr: string;
  /** Seconds between adverts; fractional allowed (VRRPv3). Default 0.5. */
  advertIntervalSec?: number;
  /** Path of the rendered check script (tracks HAProxy). */
  checkScriptPath: string;
  /** Path of the rendered notify script (records the VRRP state). */
  notifyScriptPath: string;
}

const DEFAULT_ADVERT_INTERVAL_SEC = 0.5;

export function renderKeepalivedConfig(spec: KeepalivedSpec): string {
  const peers = [...spec.unicastPeers].sort().map((p) => `        ${p}`);
  return [
    `# Amphora ${spec.amphoraId}, rendered by Berth; changes here are overwritten.`,
    'global_defs {',
    `    router_id ${spec.amphoraId}`,
    '    enable_script_security',
    '    script_user root',
    '    vrrp_version 3',
    '    vrrp_garp_master_refresh 5',
    '}',
    '',
    'vrrp_script check_haproxy {',
    `    script "${spec.checkScriptPath}"`,
    '    interval 2',
    '    timeout 2',
    '    fall 2',
    '    rise 2',
    '}',
    '',
    `vrrp_instance ${spec.instanceName} {`,
    '    state BACKUP',
    `    interface ${spec.iface}`,
    `    virtual_router_id ${spec.virtualRouterId}`,
    `    priority ${spec.priority}`,
    '    nopreempt',
    `    advert_int ${spec.advertIntervalSec ?? DEFAULT_ADVERT_INTERVAL_SEC}`,
    `    unicast_src_ip ${spec.unicastSrcIp}`,
    '    unicast_peer {',
    ...peers,
    '    }',
    '    virtual_ipaddress {',
    `        ${spec.vipCidr} dev ${spec.iface}`,
    '    }',
    '    track_script {',
    '        check_haproxy',
    '    }',
    `    notify "${spec.notifyScriptPath}"`,
    '}',
    '',
  ].join('\n');
}

/** Exits 0 while the HAProxy whose pid is in `pidFile` is alive. */
export function renderCheckScript(pidFile: string): string {
  return [
    '#!/bin/sh',
    '# keepalived track script: healthy while HAProxy runs.',
    `pid=$(cat '${pidFile}' 2>/dev/null) || exit 1`,
    '[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null',
    '',
  ].join('\n');
}

/**
 * keepalived calls notify scripts with TYPE NAME STATE PRIORITY; the state (MASTER, BACKUP,
 * FAULT, STOP) is written atomically to `stateFile` for the provider to read.
 */
export function renderNotifyScript(stateFile: string): string {
  return [
    '#!/bin/sh',
    "# keepalived notify script: records this amphora's VRRP state.",
    `printf '%s\\n' "$3" > '${stateFile}.tmp' && mv '${stateFile}.tmp' '${stateFile}'`,
    '',
  ].join('\n');
}
