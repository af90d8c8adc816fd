/**
 * A small client of the OCI distribution API (`/v2/…`) over fetch: what Berth needs to publish
 * its platform images and what its tests need to push and pull as a user would. Blobs go up as
 * a monolithic upload (POST for a session, one PUT with the whole body and `?digest=`), after a
 * HEAD that skips blobs the repository already has. Authentication follows the registry token
 * spec: a 401 with a Bearer challenge sends the client to the realm (with HTTP Basic credentials
 * when it has them) for a token scoped to the repository, cached until it expires.
 *
 * Failures are BerthErrors: BERTH_ERR_UNAUTHENTICATED when the token endpoint refuses the
 * credentials, BERTH_ERR_FORBIDDEN when a token was issued but does not allow the action,
 * BERTH_ERR_NOT_FOUND for a missing manifest or blob, BERTH_ERR_UNAVAILABLE otherwise.
 */
import { Agent, fetch as undiciFetch, type RequestInit, type Response } from 'undici';
import { BerthError } from '@berth/errors';
import { parseBearerChallenge, type BearerChallenge } from './challenge.js';
import { sha256Digest } from './digest.js';
import { MEDIA_TYPES, type Blob, type OciImage } from './image.js';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface RegistryCredentials {
  username: string;
  /** A secret (a Berth API token): never logged. */
  password: string;
}

export interface RegistryClientOptions {
  /** `host:port` of the registry. */
  endpoint: string;
  /** PEM of the CA that signed the registry's certificate; default: the system's roots. */
  caPem?: string;
  /** Sent as HTTP Basic to the token endpoint; anonymous without them. */
  credentials?: RegistryCredentials;
  /** Instead of the realm: mints a token for a challenge (Berth publishing its own images). */
  tokenFor?: (challenge: BearerChallenge, scope: string) => Promise<string>;
  /** Default `https`. */
  scheme?: 'https' | 'http';
  fetch?: FetchLike;
}

export interface PulledImage {
  manifest: Blob;
  config: Blob;
  layers: Blob[];
}

type Action = 'pull' | 'push';

const MANIFEST_ACCEPT = [
  MEDIA_TYPES.manifest,
  MEDIA_TYPES.index,
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

export class RegistryClient {
  readonly #base: string;
  readonly #fetch: FetchLike;
  readonly #agent: Agent | undefined;
  readonly #options: RegistryClientOptions;
  readonly #tokens = new Map<string, { token: string; until: number }>();

  constructor(options: RegistryClientOptions) {
    this.#options = options;
    this.#base = `${options.scheme ?? 'https'}://${options.endpoint}`;
    this.#agent =
      options.caPem === undefined ? undefined : new Agent({ connect: { ca: options.caPem } });
    this.#fetch =
      options.fetch ??
      ((url, init) =>
        undiciFetch(url, this.#agent === undefined ? init : { ...init, dispatcher: this.#agent }));
  }

  async close(): Promise<void> {
    await this.#agent?.close();
  }

  async blobExists(repository: string, digest: string, action: Action = 'pull'): Promise<boolean> {
    const res = await this.#send(repository, action, `/blobs/${digest}`, { method: 'HEAD' });
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await failure(res, `HEAD blob ${digest} in ${repository}`);
  }

  /** Uploads a blob unless the repository has it; returns whether it was uploaded. */
  async pushBlob(repository: string, blob: Pick<Blob, 'digest' | 'bytes'>): Promise<boolean> {
    if (await this.blobExists(repository, blob.digest, 'push')) return false;
    const start = await this.#send(repository, 'push', '/blobs/uploads/', { method: 'POST' });
    if (start.status !== 202) throw await failure(start, `start upload to ${repository}`);
    const location = start.headers.get('location');
    if (!location) throw unavailable(`the registry sent no upload location for ${repository}`);
    const url = new URL(location, this.#base);
    url.searchParams.set('digest', blob.digest);
    const put = await this.#send(repository, 'push', url.toString(), {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(blob.bytes.length),
      },
      body: blob.bytes,
    });
    if (put.status !== 201) throw await failure(put, `upload ${blob.digest} to ${repository}`);
    return true;
  }

  /** Puts a manifest under a tag (or its digest); returns the registry's digest for it. */
  async putManifest(repository: string, reference: string, manifest: Blob): Promise<string> {
    const res = await this.#send(repository, 'push', `/manifests/${reference}`, {
      method: 'PUT',
      headers: { 'content-type': manifest.mediaType },
      body: manifest.bytes,
    });
    if (res.status !== 201) throw await failure(res, `put manifest ${repository}:${reference}`);
    return res.headers.get('docker-content-digest') ?? manifest.digest;
  }

  /** Pushes layers and config (skipping those present), then the manifest under every tag. */
  async pushImage(repository: string, tags: readonly string[], image: OciImage): Promise<void> {
    for (const b of [...image.layers, image.config]) await this.pushBlob(repository, b);
    for (const tag of tags) await this.putManifest(repository, tag, image.manifest);
  }

  async getManifest(repository: string, reference: string): Promise<Blob> {
    const res = await this.#send(repository, 'pull', `/manifests/${reference}`, {
      method: 'GET',
      headers: { accept: MANIFEST_ACCEPT },
    });
    if (res.status !== 200) throw await failure(res, `get manifest ${repository}:${reference}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    const mediaType = res.headers.get('content-type') ?? MEDIA_TYPES.manifest;
    return { mediaType, digest: sha256Digest(bytes), size: bytes.length, bytes };
  }

  /** A blob's bytes, checked against its digest. */
  async getBlob(repository: string, digest: string, mediaType = ''): Promise<Blob> {
    const res = await this.#send(repository, 'pull', `/blobs/${digest}`, { method: 'GET' });
    if (res.status !== 200) throw await failure(res, `get blob ${digest} of ${repository}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (sha256Digest(bytes) !== digest)
      throw unavailable(`blob ${digest} of ${repository} does not match its digest`);
    return { mediaType, digest, size: bytes.length, bytes };
  }

  /** A single-platform image: manifest, config and layers, every digest checked. */
  async pullImage(repository: string, reference: string): Promise<PulledImage> {
    const manifest = await this.getManifest(repository, reference);
    const parsed = JSON.parse(manifest.bytes.toString('utf8')) as {
      config?: { digest: string; mediaType: string };
      layers?: Array<{ digest: string; mediaType: string }>;
    };
    if (!parsed.config || !parsed.layers)
      throw unavailable(`${repository}:${reference} is not a single-platform image manifest`);
    const config = await this.getBlob(repository, parsed.config.digest, parsed.config.mediaType);
    const layers: Blob[] = [];
    for (const l of parsed.layers)
      layers.push(await this.getBlob(repository, l.digest, l.mediaType));
    return { manifest, config, layers };
  }

  async listTags(repository: string): Promise<string[]> {
    const res = await this.#send(repository, 'pull', '/tags/list', { method: 'GET' });
    if (res.status !== 200) throw await failure(res, `list tags of ${repository}`);
    return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
  }

  /** One request, answering a Bearer challenge once with a token for `repository:<r>:<actions>`. */
  async #send(
    repository: string,
    action: Action,
    path: string,
    init: RequestInit,
  ): Promise<Response> {
    const url = path.startsWith('http') ? path : `${this.#base}/v2/${repository}${path}`;
    const scope = `repository:${repository}:${action === 'push' ? 'pull,push' : 'pull'}`;
    const cached = this.#tokens.get(scope);
    const first = await this.#fetch(
      url,
      withToken(init, cached && cached.until > Date.now() ? cached.token : undefined),
    );
    if (first.status !== 401) return first;
    const challenge = parseBearerChallenge(first.headers.get('www-authenticate'));
    await first.body?.cancel();
    if (!challenge || cached?.until === Infinity) return first;
    const token = await this.#token(challenge, scope);
    const second = await this.#fetch(url, withToken(init, token));
    if (second.status === 401) {
      await second.body?.cancel();
      throw new BerthError(
        'BERTH_ERR_FORBIDDEN',
        `the registry does not allow ${action} on ${repository}`,
      );
    }
    return second;
  }

  async #token(challenge: BearerChallenge, scope: string): Promise<string> {
    if (this.#options.tokenFor) return this.#options.tokenFor(challenge, scope);
    const url = new URL(challenge.realm);
    if (challenge.service !== undefined) url.searchParams.set('service', challenge.service);
    url.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    const c = this.#options.credentials;
    if (c)
      headers.authorization = `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
    const res = await this.#fetch(url.toString(), { method: 'GET', headers });
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new BerthError(
        'BERTH_ERR_UNAUTHENTICATED',
        `the registry's token endpoint refused the credentials`,
      );
    }
    if (res.status !== 200) throw await failure(res, 'get a registry token');
    const body = (await res.json()) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const token = body.token ?? body.access_token;
    if (!token) throw unavailable('the token endpoint answered without a token');
    // Renew a little early; the spec's default lifetime is 60 s.
    const ttlMs = Math.max(0, ((body.expires_in ?? 60) - 10) * 1000);
    this.#tokens.set(scope, { token, until: Date.now() + ttlMs });
    return token;
  }
}

function withToken(init: RequestInit, token: string | undefined): RequestInit {
  if (token === undefined) return init;
  return {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
  };
}

async function failure(res: Response, what: string): Promise<BerthError> {
  const text = (await res.text().catch(() => '')).slice(0, 300);
  if (res.status === 404)
    return new BerthError('BERTH_ERR_NOT_FOUND', `${what}: not found`, {
      details: { status: 404 },
    });
  if (res.status === 403)
    return new BerthError('BERTH_ERR_FORBIDDEN', `${what}: forbidden`, {
      details: { status: 403 },
    });
  return unavailable(`${what}: registry answered ${res.status} ${text}`.trim());
}

function unavailable(message: string): BerthError {
  return new BerthError('BERTH_ERR_UNAVAILABLE', message);
}
