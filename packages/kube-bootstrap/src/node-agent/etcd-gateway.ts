/**
 * The few etcd cluster calls a master's start-up needs, through etcd's JSON gateway (`/v3/...` on
 * the client URL) over mutual TLS: list, add and remove members, and (for tests) put and get.
 * Member ids are uint64 and travel as decimal strings.
 */
import { request } from 'node:https';

export interface EtcdTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export interface EtcdMember {
  ID: string;
  /** Empty until the member has started once. */
  name?: string;
  peerURLs?: string[];
  clientURLs?: string[];
}

const TIMEOUT_MS = 3_000;

export class EtcdGateway {
  constructor(
    readonly endpoint: string,
    private readonly tls: EtcdTls,
  ) {}

  async members(): Promise<EtcdMember[]> {
    const body = await this.call<{ members?: EtcdMember[] }>('/v3/cluster/member/list', {
      linearizable: true,
    });
    return body.members ?? [];
  }

  async add(peerUrl: string): Promise<{ member: EtcdMember; members: EtcdMember[] }> {
    const body = await this.call<{ member: EtcdMember; members?: EtcdMember[] }>(
      '/v3/cluster/member/add',
      { peerURLs: [peerUrl] },
    );
    return { member: body.member, members: body.members ?? [] };
  }

  async remove(id: string): Promise<void> {
    await this.call('/v3/cluster/member/remove', { ID: id });
  }

  async put(key: string, value: string): Promise<void> {
    await this.call('/v3/kv/put', { key: b64(key), value: b64(value) });
  }

  async get(key: string): Promise<string | undefined> {
    const body = await this.call<{ kvs?: { value: string }[] }>('/v3/kv/range', { key: b64(key) });
    const value = body.kvs?.[0]?.value;
    return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
  }

  call<T>(path: string, payload: object): Promise<T> {
    const text = JSON.stringify(payload);
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.endpoint), {
        method: 'POST',
        ca: this.tls.caPem,
        cert: this.tls.certPem,
        key: this.tls.keyPem,
        agent: false,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const out = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) resolve(JSON.parse(out) as T);
          else reject(new Error(`${this.endpoint}${path}: ${res.statusCode} ${out.slice(0, 200)}`));
        });
      });
      req.on('error', reject);
      req.end(text);
    });
  }
}

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}
