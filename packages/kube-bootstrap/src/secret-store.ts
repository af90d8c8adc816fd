/**
 * Where a cluster's secrets (CA keys, client keys, service-account keys) are kept between passes
 * and restarts: one file per cluster under `<dataDir>/secrets/`, its JSON body encrypted with
 * AES-256-GCM. The cluster uid is bound in as additional authenticated data, so a file copied
 * onto another cluster's name fails to open. Values never appear in logs or error messages.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '@berth/errors';

export interface SecretStore {
  get(clusterUid: string, name: string): Promise<string | undefined>;
  put(clusterUid: string, name: string, value: string): Promise<void>;
  delete(clusterUid: string, name: string): Promise<void>;
  /** Forgets every secret of the cluster. */
  deleteCluster(clusterUid: string): Promise<void>;
}

interface SealedFile {
  v: 1;
  alg: 'aes-256-gcm';
  iv: string;
  tag: string;
  data: string;
}

const KEY_BYTES = 32;
const UID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * A SecretStore over encrypted files. Operations on one cluster are serialised in this process;
 * only the leader replica writes (the controllers run there), so no cross-process lock is needed.
 */
export class FileSecretStore implements SecretStore {
  readonly #dir: string;
  readonly #key: Buffer;
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(options: { dir: string; key: Buffer }) {
    if (options.key.length !== KEY_BYTES) {
      throw new BerthError('BERTH_ERR_VALIDATION', `the secret key must be ${KEY_BYTES} bytes`, {
        field: 'BERTH_SECRET_KEY',
      });
    }
    this.#dir = options.dir;
    this.#key = options.key;
  }

  get(clusterUid: string, name: string): Promise<string | undefined> {
    return this.#serial(clusterUid, async () => (await this.#read(clusterUid))[name]);
  }

  put(clusterUid: string, name: string, value: string): Promise<void> {
    return this.#serial(clusterUid, async () => {
      const entries = await this.#read(clusterUid);
      entries[name] = value;
      await this.#write(clusterUid, entries);
    });
  }

  delete(clusterUid: string, name: string): Promise<void> {
    return this.#serial(clusterUid, async () => {
      const entries = await this.#read(clusterUid);
      if (!(name in entries)) return;
      delete entries[name];
      await this.#write(clusterUid, entries);
    });
  }

  deleteCluster(clusterUid: string): Promise<void> {
    return this.#serial(clusterUid, () => rm(this.#file(clusterUid), { force: true }));
  }

  #file(clusterUid: string): string {
    if (!UID.test(clusterUid)) throw new Error(`not a cluster uid: ${clusterUid}`);
    return join(this.#dir, `${clusterUid}.secrets`);
  }

  async #read(clusterUid: string): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.#file(clusterUid), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    return JSON.parse(unseal(this.#key, clusterUid, text)) as Record<string, string>;
  }

  async #write(clusterUid: string, entries: Record<string, string>): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const file = this.#file(clusterUid);
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(seal(this.#key, clusterUid, JSON.stringify(entries)));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  }

  #serial<T>(clusterUid: string, op: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(clusterUid) ?? Promise.resolve();
    const next = previous.then(op, op);
    const settled = next.catch(() => undefined);
    this.#queues.set(clusterUid, settled);
    void settled.then(() => {
      if (this.#queues.get(clusterUid) === settled) this.#queues.delete(clusterUid);
    });
    return next;
  }
}

export function seal(key: Buffer, clusterUid: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(clusterUid));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const sealed: SealedFile = {
    v: 1,
    alg: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
  return `${JSON.stringify(sealed)}\n`;
}

/** @throws BERTH_ERR_SECRET_UNREADABLE when the key (or the cluster) is not the one it was sealed with */
export function unseal(key: Buffer, clusterUid: string, text: string): string {
  try {
    const sealed = JSON.parse(text) as SealedFile;
    if (sealed.v !== 1 || sealed.alg !== 'aes-256-gcm') throw new Error('unknown format');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(aad(clusterUid));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(sealed.data, 'base64')),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  } catch (err) {
    throw new BerthError(
      'BERTH_ERR_SECRET_UNREADABLE',
      `the secrets of cluster ${clusterUid} cannot be decrypted: the secret key is not the one ` +
        'they were written with (BERTH_SECRET_KEY or <dataDir>/secret.key changed), or the file is damaged',
      { cause: err instanceof Error ? new Error(err.message) : undefined },
    );
  }
}

function aad(clusterUid: string): Buffer {
  return Buffer.from(`berth-secrets:v1:${clusterUid}`);
}

/** Where sealed secrets live when not in files: the Berth store (`store.secrets`). */
export interface SealedSecretBackend {
  get(clusterUid: string, name: string): Promise<string | undefined>;
  put(clusterUid: string, name: string, sealed: string): Promise<void>;
  delete(clusterUid: string, name: string): Promise<void>;
  deleteCluster(clusterUid: string): Promise<void>;
}

/**
 * A SecretStore over the Berth store: each value is sealed (AES-256-GCM, bound to its cluster
 * and name) before it leaves this process, so the database holds ciphertext only and every
 * replica with the same key reads the same PKI.
 */
export class SealedSecretStore implements SecretStore {
  readonly #backend: SealedSecretBackend;
  readonly #key: Buffer;

  constructor(options: { backend: SealedSecretBackend; key: Buffer }) {
    if (options.key.length !== KEY_BYTES) {
      throw new BerthError('BERTH_ERR_VALIDATION', `the secret key must be ${KEY_BYTES} bytes`, {
        field: 'BERTH_SECRET_KEY',
      });
    }
    this.#backend = options.backend;
    this.#key = options.key;
  }

  async get(clusterUid: string, name: string): Promise<string | undefined> {
    const sealed = await this.#backend.get(clusterUid, name);
    return sealed === undefined ? undefined : unseal(this.#key, `${clusterUid}/${name}`, sealed);
  }

  put(clusterUid: string, name: string, value: string): Promise<void> {
    return this.#backend.put(clusterUid, name, seal(this.#key, `${clusterUid}/${name}`, value));
  }

  delete(clusterUid: string, name: string): Promise<void> {
    return this.#backend.delete(clusterUid, name);
  }

  deleteCluster(clusterUid: string): Promise<void> {
    return this.#backend.deleteCluster(clusterUid);
  }
}
