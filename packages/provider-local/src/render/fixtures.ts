/** Specs shared by the renderer golden tests and the config-validation tests. */
import type { HaproxySpec } from './haproxy-cfg.js';
import type { KeepalivedSpec } from './keepalived-conf.js';
import type { RouterNatSpec } from './router-nft.js';
import type { ServerFirewallSpec } from './security-group-nft.js';

export const routerSpec: RouterNatSpec = {
  externalIface: 'qg0',
  externalIp: '198.18.0.10',
  subnets: [{ cidr: '10.0.0.0/24', iface: 'qr1a2b3c4d', gatewayIp: '10.0.0.1' }],
  floatingIps: [
    { floatingIp: '198.18.0.21', fixedIp: '10.0.0.6' },
    { floatingIp: '198.18.0.20', fixedIp: '10.0.0.5' },
  ],
  routedCidrs: ['10.100.1.0/24', '10.100.0.0/24'],
};

export const firewallSpec: ServerFirewallSpec = {
  iface: 'eth0',
  rules: [
    { id: 'egress-v4', direction: 'egress', ethertype: 'IPv4' },
    { id: 'egress-v6', direction: 'egress', ethertype: 'IPv6' },
    {
      id: 'ssh',
      direction: 'ingress',
      ethertype: 'IPv4',
      protocol: 'tcp',
      portRangeMin: 22,
      portRangeMax: 22,
      remoteIpPrefix: '198.18.0.0/24',
    },
    {
      id: 'kubelet-from-masters',
      direction: 'ingress',
      ethertype: 'IPv4',
      protocol: 'tcp',
      portRangeMin: 10250,
      portRangeMax: 10259,
      remoteGroupAddresses: ['10.0.0.7', '10.0.0.5'],
    },
    {
      id: 'empty-group',
      direction: 'ingress',
      ethertype: 'IPv4',
      protocol: 'udp',
      remoteGroupAddresses: [],
    },
    {
      id: 'vxlan',
      direction: 'ingress',
      ethertype: 'IPv4',
      protocol: 'udp',
      portRangeMin: 4789,
    },
    {
      id: 'ping',
      direction: 'ingress',
      ethertype: 'IPv4',
      protocol: 'icmp',
      portRangeMin: 8,
      portRangeMax: 0,
    },
    { id: 'any-icmp', direction: 'ingress', ethertype: 'IPv4', protocol: 'icmp' },
    { id: 'icmp6', direction: 'ingress', ethertype: 'IPv6', protocol: 'icmp', portRangeMin: 128 },
    { id: 'gre', direction: 'ingress', ethertype: 'IPv4', protocol: 47 },
  ],
};

export function haproxySpec(certificatePath: string, socketPath: string): HaproxySpec {
  return {
    loadBalancerId: 'lb-1',
    vip: '10.0.0.100',
    statsSocketPath: socketPath,
    listeners: [
      {
        id: 'api',
        protocol: 'TCP',
        port: 6443,
        defaultPoolId: 'api-pool',
        allowedCidrs: ['198.18.0.0/24', '10.0.0.0/24'],
      },
      { id: 'web', protocol: 'HTTP', port: 80, defaultPoolId: 'web-pool', connectionLimit: 1000 },
      {
        id: 'tls',
        protocol: 'TERMINATED_HTTPS',
        port: 443,
        defaultPoolId: 'web-pool-tls',
        certificatePath,
      },
      { id: 'passthrough', protocol: 'HTTPS', port: 8443, defaultPoolId: 'pt-pool' },
      { id: 'idle', protocol: 'TCP', port: 9000 },
    ],
    pools: [
      {
        id: 'api-pool',
        protocol: 'TCP',
        algorithm: 'ROUND_ROBIN',
        healthMonitor: {
          type: 'TCP',
          delayMs: 2000,
          timeoutMs: 1000,
          maxRetries: 2,
          maxRetriesDown: 3,
        },
        members: [
          { id: 'm2', address: '10.0.0.6', port: 6443 },
          { id: 'm1', address: '10.0.0.5', port: 6443, weight: 2 },
          { id: 'm3', address: '10.0.0.7', port: 6443, adminStateUp: false },
        ],
      },
      {
        id: 'web-pool',
        protocol: 'HTTP',
        algorithm: 'LEAST_CONNECTIONS',
        healthMonitor: {
          type: 'HTTP',
          delayMs: 5000,
          timeoutMs: 2000,
          maxRetries: 3,
          maxRetriesDown: 3,
          httpMethod: 'GET',
          urlPath: '/healthz',
          expectedCodes: '200-202',
        },
        members: [{ id: 'w1', address: '10.0.0.8', port: 8080 }],
      },
      {
        id: 'web-pool-tls',
        protocol: 'PROXY',
        algorithm: 'SOURCE_IP',
        members: [{ id: 'w2', address: '10.0.0.9', port: 8080, backup: true }],
      },
      {
        id: 'pt-pool',
        protocol: 'PROXYV2',
        algorithm: 'ROUND_ROBIN',
        sessionPersistence: 'SOURCE_IP',
        members: [{ id: 'p1', address: '10.0.0.10', port: 8443 }],
      },
    ],
  };
}

export function keepalivedSpec(dir: string): KeepalivedSpec {
  return {
    amphoraId: 'amphora-a',
    instanceName: 'lb_1',
    virtualRouterId: 51,
    priority: 100,
    iface: 'eth0',
    unicastSrcIp: '10.0.0.11',
    unicastPeers: ['10.0.0.12'],
    vipCidr: '10.0.0.100/24',
    checkScriptPath: `${dir}/check-haproxy.sh`,
    notifyScriptPath: `${dir}/notify.sh`,
  };
}
