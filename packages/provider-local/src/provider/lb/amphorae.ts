/**
 * Amphorae: the servers that carry a load balancer (Octavia's word). Each is a namespace on the
 * VIP's subnet whose agent runs HAProxy (and keepalived for ACTIVE_STANDBY). Configuration
 * changes are validated with `haproxy -c` before the agent is told to reload; an amphora whose
 * agent died is restarted by `repair` (the health manager's pass).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LoadBalancer } from '@berth/provider-api';
import type { AgentLaunch } from '../../agent/agent-control.js';
import { readHaproxyServers, type HaproxyServerStat } from '../../lb/haproxy-stats.js';
import { amphoraDir, type ProviderContext } from '../context.js';
import type { AmphoraLocal, LoadBalancerLocal } from '../records.js';
import type { Entry } from '../repo.js';
import { AMPHORA_FILES, amphoraUserData, statsSocketPath, type LbRecords } from './lb-config.js';
import { loadLbRecords, validateHaproxyConfig } from './lb-records.js';

/**
 * How long a dead amphora waits for its surviving peer to become MASTER before it is restarted
 * anyway. keepalived declares the master down after 3 adverts (0.5 s each) plus its skew, under
 * 2 s; a survivor that is not MASTER within 5 s is not electing itself, and waiting would only
 * leave the pair one amphora short.
 */
const ELECTION_GRACE_MS = 5_000;

export class AmphoraRuntime {
  /** When each amphora was first seen dead (this process's memory; a restart starts over). */
  private readonly deadSince = new Map<string, number>();

  constructor(private readonly ctx: ProviderContext) {}

  /**
   * The amphora's namespace and port, with only its own address (plus the VIP for SINGLE): a
   * VIP left behind by a killed keepalived goes, and keepalived adds it back when it is MASTER.
   */
  private async wire(
    entry: Entry<LoadBalancer, LoadBalancerLocal>,
    amp: AmphoraLocal,
    signal?: AbortSignal,
  ): Promise<void> {
    const subnet = (await this.ctx.repos.subnets.require(entry.obj.vipSubnetId)).obj;
    const single = entry.obj.topology === 'SINGLE';
    await this.ctx.topology.ensureServerPort(
      {
        serverId: amp.id,
        portId: amp.portId,
        networkId: subnet.networkId,
        ip: amp.ip,
        cidr: subnet.cidr,
        gatewayIp: subnet.gatewayIp,
        extraIps: single ? [entry.obj.vipAddress] : [],
      },
      signal,
    );
    // The standby's HAProxy binds the VIP before keepalived gives it the address.
    if (!single) {
      await this.ctx.topology.setServerSysctl(amp.id, 'net.ipv4.ip_nonlocal_bind', '1', signal);
    }
  }

  /**
   * Renders, validates and delivers the configuration to every amphora. An amphora whose agent
   * is not running (a new one, or one that crashed) is wired and started (`restart`), so this
   * also provisions a new load balancer's amphorae.
   */
  async apply(lbId: string, signal?: AbortSignal): Promise<void> {
    const records = await loadLbRecords(this.ctx, lbId);
    const entry = await this.ctx.repos.loadBalancers.require(lbId);
    for (const amphora of entry.local.amphorae) {
      const launch = await this.launch(records, entry, amphora, signal);
      // Not running (new, or crashed): re-wire first, then start.
      if (!(await this.ctx.agents.reload(launch.dir, launch.userData))) {
        await this.restart(entry, amphora, launch, signal);
      }
    }
  }

  /**
   * The health manager's repair (Octavia's amphora failover, in place): every amphora whose
   * agent is not running is re-wired and started with the current configuration (or, when that
   * fails to validate, with the one it last ran). With both
   * keepalived instances BACKUP + nopreempt, a restarted amphora joins as BACKUP and the VIP
   * stays where it is. Returns the ids of the amphorae it restarted.
   *
   * A dead amphora is not restarted while a running peer is still electing itself (not yet
   * MASTER), for at most ELECTION_GRACE_MS: restarted during the election, an amphora of
   * higher priority could win it (its master-down timer runs with a shorter skew) and take the
   * VIP a second time instead of leaving it on the survivor.
   */
  async repair(lbId: string, signal?: AbortSignal): Promise<string[]> {
    const entry = await this.ctx.repos.loadBalancers.get(lbId);
    if (entry === undefined) return [];
    const now = Date.now();
    const running = entry.local.amphorae.filter((a) => this.isRunning(a));
    const electing = running.length > 0 && !running.some((a) => this.vrrpState(a.id) === 'MASTER');
    const dead = entry.local.amphorae.filter((a) => {
      if (this.isRunning(a)) return (this.deadSince.delete(a.id), false);
      const since = this.deadSince.get(a.id) ?? now;
      this.deadSince.set(a.id, since);
      return !electing || now - since >= ELECTION_GRACE_MS;
    });
    if (dead.length === 0) return [];
    const records = await loadLbRecords(this.ctx, lbId);
    for (const amphora of dead) {
      this.deadSince.delete(amphora.id);
      const launch = await this.launch(records, entry, amphora, signal).catch((err: unknown) => {
        // The records hold a change that failed to apply: run what the amphora last ran.
        const last = this.ctx.agents.lastUserData(amphoraDir(this.ctx, amphora.id));
        if (last === undefined) throw err;
        return { ...this.agentLaunch(amphora), userData: last };
      });
      await this.restart(entry, amphora, launch, signal);
    }
    return dead.map((a) => a.id);
  }

  /** True when the amphora's agent (which supervises HAProxy and keepalived) runs. */
  isRunning(amphora: AmphoraLocal): boolean {
    return this.ctx.agents.find(amphoraDir(this.ctx, amphora.id)) !== undefined;
  }

  /** An amphora's rendered, validated user data and agent launch. */
  private async launch(
    records: LbRecords,
    entry: Entry<LoadBalancer, LoadBalancerLocal>,
    amphora: AmphoraLocal,
    signal?: AbortSignal,
  ): Promise<AgentLaunch> {
    const subnet = (await this.ctx.repos.subnets.require(records.lb.vipSubnetId)).obj;
    const vipPrefix = Number(subnet.cidr.split('/')[1]);
    const dir = amphoraDir(this.ctx, amphora.id);
    const rootDir = path.join(dir, 'root');
    const peers = entry.local.amphorae.filter((a) => a.id !== amphora.id).map((a) => a.ip);
    const userData = amphoraUserData(records, { amphora, rootDir, vipPrefix, peers });
    const cfg = userData.files?.[0]?.content ?? '';
    await validateHaproxyConfig(this.ctx, rootDir, records, cfg, signal);
    return { ...this.agentLaunch(amphora), userData };
  }

  private agentLaunch(amphora: AmphoraLocal): Omit<AgentLaunch, 'userData'> {
    return {
      dir: amphoraDir(this.ctx, amphora.id),
      netns: this.ctx.topology.names.server(amphora.id),
      config: {
        serverId: amphora.id,
        hostname: `amphora-${amphora.id.slice(0, 8)}`,
        allowedPathPrefixes: [],
      },
    };
  }

  /**
   * Starts an amphora whose agent is gone: whatever it left running (services of a killed agent)
   * is killed first so no second keepalived joins the pair, its last VRRP state is forgotten
   * (it must not read MASTER before keepalived says so), its port is re-wired (which also drops
   * a VIP the dead keepalived left on the interface), then the agent starts.
   */
  private async restart(
    entry: Entry<LoadBalancer, LoadBalancerLocal>,
    amphora: AmphoraLocal,
    launch: AgentLaunch,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.ctx.agents.crash(launch.dir);
    fs.rmSync(path.join(launch.dir, 'root', AMPHORA_FILES.vrrpState), { force: true });
    await this.wire(entry, amphora, signal);
    await this.ctx.agents.start(launch);
  }

  async teardown(
    entry: Entry<LoadBalancer, LoadBalancerLocal>,
    signal?: AbortSignal,
  ): Promise<void> {
    for (const amp of entry.local.amphorae) {
      const dir = amphoraDir(this.ctx, amp.id);
      await this.ctx.agents.stop(dir);
      await this.ctx.topology.removeServer(amp.id, signal, [amp.portId]);
      fs.rmSync(statsSocketPath(path.join(dir, 'root')), { force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * Fault injection: one amphora dies as a VM would — kill -9 of its processes and its NIC
   * gone dark (so a VIP it held stops answering ARP). The health manager brings it back.
   */
  async crash(
    entry: Entry<LoadBalancer, LoadBalancerLocal>,
    which: 'active' | number,
  ): Promise<string> {
    const amp = this.pick(entry, which);
    await this.ctx.agents.crash(amphoraDir(this.ctx, amp.id));
    await this.ctx.topology.setServerLinkDown(amp.id);
    return amp.id;
  }

  /**
   * Fault injection: one amphora shuts down cleanly — its agent stops keepalived first (which
   * sends a priority-0 advert, so the peer takes the VIP at once), then HAProxy. The health
   * manager brings it back.
   */
  async stop(
    entry: Entry<LoadBalancer, LoadBalancerLocal>,
    which: 'active' | number,
  ): Promise<string> {
    const amp = this.pick(entry, which);
    await this.ctx.agents.stop(amphoraDir(this.ctx, amp.id));
    return amp.id;
  }

  private pick(entry: Entry<LoadBalancer, LoadBalancerLocal>, which: 'active' | number) {
    const amp =
      which === 'active' ? this.active(entry.local.amphorae) : entry.local.amphorae[which];
    if (amp === undefined) throw new Error(`load balancer ${entry.obj.id} has no such amphora`);
    return amp;
  }

  /** Member rows from the active amphora's HAProxy; empty when it does not answer. */
  async memberStats(entry: Entry<LoadBalancer, LoadBalancerLocal>): Promise<HaproxyServerStat[]> {
    const amp = this.active(entry.local.amphorae);
    if (amp === undefined) return [];
    const socket = statsSocketPath(path.join(amphoraDir(this.ctx, amp.id), 'root'));
    return readHaproxyServers(socket).catch(() => []);
  }

  /** True while some amphora's agent runs. */
  anyRunning(entry: Entry<LoadBalancer, LoadBalancerLocal>): boolean {
    return entry.local.amphorae.some((a) => this.isRunning(a));
  }

  /** The VRRP state an amphora's keepalived last reported (ACTIVE_STANDBY only). */
  vrrpState(amphoraId: string): string | undefined {
    const file = path.join(amphoraDir(this.ctx, amphoraId), 'root', AMPHORA_FILES.vrrpState);
    try {
      return fs.readFileSync(file, 'utf8').trim();
    } catch {
      return undefined;
    }
  }

  /** The amphora holding the VIP: the VRRP master, else the first running one. */
  active(amphorae: AmphoraLocal[]): AmphoraLocal | undefined {
    const running = amphorae.filter((a) => this.isRunning(a));
    return running.find((a) => this.vrrpState(a.id) === 'MASTER') ?? running[0] ?? amphorae[0];
  }
}
