/**
 * How a master's etcd member starts, decided from what is on its disk and what the cluster says.
 * A member whose data dir holds a member restarts as it is. A fresh disk is either part of the
 * first bootstrap (no cluster answers yet, or the cluster lists this peer URL as never started)
 * or a replacement: the server was recreated (an upgrade, a repair) while the others kept the
 * old member. A replacement removes the old member, adds itself, and starts with
 * `--initial-cluster-state=existing` and the cluster as it is now; a marker file written before
 * the add tells a retry that a never-started entry for this peer URL is its own join.
 *
 * "Started" means the member published its client URLs; etcd 3.6 lists the names of the initial
 * cluster's members before they start, so a name proves nothing.
 */
import type { EtcdMember } from './etcd-gateway.js';

export interface StartInput {
  name: string;
  peerUrl: string;
  /** The data dir already holds a member. */
  hasData: boolean;
  /** A join was begun by an earlier attempt (the marker file exists). */
  joining: boolean;
  /** The cluster's members from any other member that answered; undefined when none did. */
  members: EtcdMember[] | undefined;
}

export type StartPlan =
  | { kind: 'as-configured'; why: string }
  | {
      kind: 'join';
      why: string;
      /** The old member of this peer URL, to remove first. */
      remove?: string;
      /** Whether this peer URL must still be added. */
      add: boolean;
      initialCluster: Record<string, string>;
    };

export function planStart(input: StartInput): StartPlan {
  if (input.hasData) return { kind: 'as-configured', why: 'restarting with its data' };
  const { members } = input;
  if (members === undefined) {
    return { kind: 'as-configured', why: 'no other member answers: bootstrapping the cluster' };
  }
  const mine = members.find((m) => m.peerURLs?.includes(input.peerUrl));
  const started = (m: EtcdMember) => (m.clientURLs ?? []).length > 0;
  const others = members.filter((m) => m !== mine);
  const initialCluster = {
    ...Object.fromEntries(
      others.filter((m) => m.name && m.peerURLs?.[0]).map((m) => [m.name!, m.peerURLs![0]!]),
    ),
    [input.name]: input.peerUrl,
  };
  if (mine !== undefined && !started(mine)) {
    if (!input.joining)
      return { kind: 'as-configured', why: 'a member of the first bootstrap, starting late' };
    return { kind: 'join', why: 'resuming its join', add: false, initialCluster };
  }
  if (mine !== undefined) {
    return {
      kind: 'join',
      why: `replacing member ${mine.name || mine.ID} (${mine.ID}) whose data is gone`,
      remove: mine.ID,
      add: true,
      initialCluster,
    };
  }
  return { kind: 'join', why: 'not a member yet', add: true, initialCluster };
}

/** etcd's argv with the initial cluster and state of a join. */
export function joinArgs(args: string[], initialCluster: Record<string, string>): string[] {
  const cluster = Object.entries(initialCluster)
    .map(([n, u]) => `${n}=${u}`)
    .join(',');
  return args.map((a) => {
    if (a.startsWith('--initial-cluster=')) return `--initial-cluster=${cluster}`;
    if (a.startsWith('--initial-cluster-state=')) return '--initial-cluster-state=existing';
    return a;
  });
}
