/**
 * keepalived.conf for one amphora of an ACTIVE_STANDBY pair, plus the two scripts it runs.
 * VRRP is unicast (bridges in a namespace fabric carry multicast, but unicast names the peer
 * and keeps one pair from hearing another's adverts). Both amphorae start as BACKUP with
 * `nopreempt`, so a recovered amphora does not take the VIP back and cut connections twice.
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
  advertIntervalSec?: number;
  /** Path of the rendered check script (tracks HAProxy). */
  checkScriptPath: string;
  /** Path of the rendered notify script (records the VRRP state). */
  notifyScriptPath: string;
}

export function renderKeepalivedConfig(spec: KeepalivedSpec): string {
  const peers = [...spec.unicastPeers].sort().map((p) => `        ${p}`);
  return [
    `# Amphora ${spec.amphoraId}, rendered by Berth; changes here are overwritten.`,
    'global_defs {',
    `    router_id ${spec.amphoraId}`,
    '    enable_script_security',
    '    script_user root',
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
    `    advert_int ${spec.advertIntervalSec ?? 1}`,
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
