/**
 * Health-monitor lines of a backend. Octavia's monitor fields map onto HAProxy's: `delay` is
 * the check interval (`inter`, on each server line), `timeout` the check timeout,
 * `max_retries` the successes that bring a member up (`rise`) and `max_retries_down` the
 * failures that take it down (`fall`).
 */
export type HealthMonitorType = 'TCP' | 'HTTP' | 'HTTPS' | 'TLS-HELLO';

export interface HealthMonitorSpec {
  type: HealthMonitorType;
  delayMs: number;
  timeoutMs: number;
  maxRetries: number;
  maxRetriesDown: number;
  /** HTTP(S) monitors: the request and the answer that counts as healthy. */
  httpMethod?: string;
  urlPath?: string;
  /** Octavia's form: `200`, `200,202` or `200-204`. */
  expectedCodes?: string;
}

export function renderHealthCheck(hm: HealthMonitorSpec): string[] {
  const lines = [`    timeout check ${hm.timeoutMs}ms`];
  if (hm.type === 'HTTP' || hm.type === 'HTTPS') {
    lines.push(`    option httpchk ${hm.httpMethod ?? 'GET'} ${hm.urlPath ?? '/'}`);
    lines.push(`    http-check expect rstatus ${expectedCodesPattern(hm.expectedCodes ?? '200')}`);
  } else if (hm.type === 'TLS-HELLO') {
    lines.push('    option ssl-hello-chk');
  }
  return lines;
}

/** `200,202` → `^(200|202)$`; `200-204` → `^(200|201|202|203|204)$`. */
export function expectedCodesPattern(codes: string): string {
  const list = codes.split(',').flatMap((part) => {
    const [from, to] = part.trim().split('-').map(Number);
    if (from === undefined || Number.isNaN(from)) return [];
    if (to === undefined || Number.isNaN(to)) return [from];
    return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  });
  return `^(${list.join('|')})$`;
}
