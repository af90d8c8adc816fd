/** Input checks shared by the memory load balancer operations (Octavia's limits). */
import { parseCidr, parseIpv4 } from '@berth/net';
import {
  isPoolProtocolCompatible,
  providerErrors,
  type CreateHealthMonitorInput,
  type ListenerProtocol,
  type PoolProtocol,
  type TlsCertificateInput,
  type UpdateHealthMonitorInput,
  type UpdateListenerInput,
} from '@berth/provider-api';

const LISTENER_PROTOCOLS: readonly ListenerProtocol[] = [
  'TCP',
  'HTTP',
  'HTTPS',
  'TERMINATED_HTTPS',
];
const POOL_PROTOCOLS: readonly PoolProtocol[] = ['TCP', 'HTTP', 'HTTPS', 'PROXY', 'PROXYV2'];

export function checkInteger(
  field: string,
  value: number | undefined,
  min: number,
  max: number,
): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw providerErrors.invalid(field, `${field} is an integer from ${min} to ${max}`);
  }
}

export function checkListenerProtocol(protocol: ListenerProtocol): void {
  if (!LISTENER_PROTOCOLS.includes(protocol)) {
    throw providerErrors.invalid('protocol', `unsupported listener protocol "${String(protocol)}"`);
  }
}

export function checkPoolProtocol(protocol: PoolProtocol): void {
  if (!POOL_PROTOCOLS.includes(protocol)) {
    throw providerErrors.invalid('protocol', `unsupported pool protocol "${String(protocol)}"`);
  }
}

export function checkCompatible(listener: ListenerProtocol, pool: PoolProtocol): void {
  if (!isPoolProtocolCompatible(listener, pool)) {
    throw providerErrors.invalid('protocol', `a ${pool} pool cannot serve a ${listener} listener`);
  }
}

/** Fields a listener create or update may change, checked against the listener's protocol. */
export function checkListenerFields(
  protocol: ListenerProtocol,
  input: Omit<UpdateListenerInput, 'id'>,
): void {
  for (const [i, cidr] of (input.allowedCidrs ?? []).entries())
    parseCidr(cidr, `allowedCidrs[${i}]`);
  if (input.connectionLimit !== null)
    checkInteger('connectionLimit', input.connectionLimit, 1, 1_000_000);
  checkInteger('timeoutClientDataMs', input.timeoutClientDataMs, 0, 86_400_000);
  checkInteger('timeoutMemberDataMs', input.timeoutMemberDataMs, 0, 86_400_000);
  const http = protocol === 'HTTP' || protocol === 'TERMINATED_HTTPS';
  if (!http && Object.values(input.insertHeaders ?? {}).some(Boolean)) {
    throw providerErrors.invalid(
      'insertHeaders',
      `a ${protocol} listener cannot insert HTTP headers`,
    );
  }
  if (input.tls !== undefined) {
    if (protocol !== 'TERMINATED_HTTPS')
      throw providerErrors.invalid('tls', 'only TERMINATED_HTTPS listeners take a certificate');
    checkTls(input.tls);
  }
}

function checkTls(tls: TlsCertificateInput): void {
  if (!/-----BEGIN CERTIFICATE-----/.test(tls.certificatePem)) {
    throw providerErrors.invalid('tls.certificatePem', 'not a PEM certificate');
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(tls.privateKeyPem)) {
    throw providerErrors.invalid('tls.privateKeyPem', 'not a PEM private key');
  }
}

export function checkMember(
  address: string,
  protocolPort: number,
  weight: number | undefined,
): void {
  parseIpv4(address, 'address');
  checkInteger('protocolPort', protocolPort, 1, 65535);
  checkInteger('weight', weight, 0, 256);
}

export function checkMonitor(
  input: Omit<UpdateHealthMonitorInput, 'id'> & Partial<CreateHealthMonitorInput>,
): void {
  if (input.type !== undefined && !['TCP', 'HTTP', 'HTTPS'].includes(input.type)) {
    throw providerErrors.invalid('type', `unsupported monitor type "${String(input.type)}"`);
  }
  checkInteger('delaySeconds', input.delaySeconds, 1, 86_400);
  checkInteger('timeoutSeconds', input.timeoutSeconds, 1, 86_400);
  checkInteger('maxRetries', input.maxRetries, 1, 10);
  checkInteger('maxRetriesDown', input.maxRetriesDown, 1, 10);
  if (
    input.expectedCodes !== undefined &&
    !/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(input.expectedCodes)
  ) {
    throw providerErrors.invalid('expectedCodes', 'expectedCodes is like 200, 200-204 or 200,302');
  }
  if (input.urlPath !== undefined && !input.urlPath.startsWith('/')) {
    throw providerErrors.invalid('urlPath', 'urlPath starts with /');
  }
}
