/**
 * Parses the PROXY protocol header a load balancer puts before a connection's first byte:
 * version 1 is one text line (`PROXY TCP4 <src> <dst> <sport> <dport>\r\n`), version 2 a binary
 * block after a fixed 12-byte signature. Used by the test backend to report what it received.
 */
export interface ProxyHeader {
  version: 1 | 2;
  /** `LOCAL` (v2 health checks may use it) carries no addresses. */
  command: 'PROXY' | 'LOCAL';
  /** `TCP4`, `TCP6`, `UNKNOWN`, … */
  family: string;
  source?: string;
  sourcePort?: number;
  destination?: string;
  destinationPort?: number;
}

export type ProxyParse =
  | { kind: 'none' }
  | { kind: 'incomplete' }
  | { kind: 'header'; header: ProxyHeader; length: number };

const V1_PREFIX = Buffer.from('PROXY ');
const V1_MAX = 107;
const V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);

/** What `data` (the first bytes of a connection) starts with. */
export function parseProxyHeader(data: Buffer): ProxyParse {
  if (startsWith(data, V1_PREFIX)) return parseV1(data);
  if (startsWith(data, V2_SIGNATURE)) return parseV2(data);
  // A prefix of either signature may still become one.
  const n = data.length;
  if (n < V2_SIGNATURE.length && V2_SIGNATURE.subarray(0, n).equals(data))
    return { kind: 'incomplete' };
  if (n < V1_PREFIX.length && V1_PREFIX.subarray(0, n).equals(data)) return { kind: 'incomplete' };
  return { kind: 'none' };
}

function startsWith(data: Buffer, prefix: Buffer): boolean {
  return data.length >= prefix.length && data.subarray(0, prefix.length).equals(prefix);
}

function parseV1(data: Buffer): ProxyParse {
  const end = data.indexOf('\r\n');
  if (end < 0) {
    if (data.length > V1_MAX) throw new Error('PROXY v1 line longer than 107 bytes');
    return { kind: 'incomplete' };
  }
  const [, family = '', source, destination, sport, dport] = data
    .subarray(0, end)
    .toString('latin1')
    .split(' ');
  const header: ProxyHeader = { version: 1, command: 'PROXY', family };
  if (family !== 'UNKNOWN') {
    Object.assign(header, {
      source,
      destination,
      sourcePort: Number(sport),
      destinationPort: Number(dport),
    });
  }
  return { kind: 'header', header, length: end + 2 };
}

function parseV2(data: Buffer): ProxyParse {
  if (data.length < 16) return { kind: 'incomplete' };
  const verCmd = data.readUInt8(12);
  if (verCmd >> 4 !== 2) throw new Error(`PROXY v2 header with version ${verCmd >> 4}`);
  const length = 16 + data.readUInt16BE(14);
  if (data.length < length) return { kind: 'incomplete' };
  const command = (verCmd & 0x0f) === 1 ? 'PROXY' : 'LOCAL';
  const fam = data.readUInt8(13);
  const body = data.subarray(16, length);
  const header: ProxyHeader = {
    version: 2,
    command,
    family: FAMILIES[fam] ?? `0x${fam.toString(16)}`,
  };
  if (command === 'PROXY' && fam === 0x11 && body.length >= 12) {
    Object.assign(header, {
      source: [...body.subarray(0, 4)].join('.'),
      destination: [...body.subarray(4, 8)].join('.'),
      sourcePort: body.readUInt16BE(8),
      destinationPort: body.readUInt16BE(10),
    });
  }
  return { kind: 'header', header, length };
}

const FAMILIES: Record<number, string> = {
  0x00: 'UNSPEC',
  0x11: 'TCP4',
  0x12: 'UDP4',
  0x21: 'TCP6',
  0x22: 'UDP6',
  0x31: 'UNIX_STREAM',
};
