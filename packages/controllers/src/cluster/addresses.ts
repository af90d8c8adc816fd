import { formatIpv4, parseCidr } from '@berth/net';
/**
 * Fixed addresses inside a cluster's subnet. Masters and the API VIP get addresses computed from
 * the subnet, so every master's user data (etcd's initial cluster, certificates' SANs) is known
 * before any server exists and stays the same across retries. Workers take IPAM's next free one.
 */

const VIP_OFFSET = 5;
const FIRST_MASTER_OFFSET = 10;

export function apiVipAddress(subnetCidr: string): string {
  return formatIpv4(parseCidr(subnetCidr).network + VIP_OFFSET);
}

export function masterAddress(subnetCidr: string, index: number): string {
  return formatIpv4(parseCidr(subnetCidr).network + FIRST_MASTER_OFFSET + index);
}
