/**
 * The key that encrypts cluster secrets at rest: `BERTH_SECRET_KEY` (base64 of 32 bytes) when
 * set — what operators running several replicas or keeping the key outside the data dir use —
 * else `<dataDir>/secret.key`, generated on first use with mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '@berth/errors';

const KEY_BYTES = 32;

export interface SecretKeySource {
  dataDir: string;
  env: NodeJS.ProcessEnv;
}

/** @throws BERTH_ERR_VALIDATION when BERTH_SECRET_KEY or the key file is not 32 bytes of base64 */
export async function loadSecretKey(source: SecretKeySource): Promise<Buffer> {
  const fromEnv = source.env.BERTH_SECRET_KEY;
  if (fromEnv !== undefined && fromEnv !== '') return decodeKey(fromEnv, 'BERTH_SECRET_KEY');
  const file = secretKeyFile(source.dataDir);
  try {
    const text = await readFile(file, 'utf8');
    // Empty: left by a writer killed between create and write (before this version wrote the
    // key atomically). No secret can have been sealed with a key that was never written.
    if (text !== '') {
      const key = decodeKey(text, file);
      await chmod(file, 0o600);
      return key;
    }
    await rm(file, { force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(source.dataDir, { recursive: true });
  const key = randomBytes(KEY_BYTES);
  // Written whole to a temporary file, then linked into place: the key file never exists
  // half-written, and a replica starting at the same moment keeps the key linked first.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${key.toString('base64')}\n`, { mode: 0o600 });
    await link(temp, file);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return decodeKey(await readFile(file, 'utf8'), file);
  } finally {
    await rm(temp, { force: true });
  }
}

export function secretKeyFile(dataDir: string): string {
  return join(dataDir, 'secret.key');
}

function decodeKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    throw new BerthError(
      'BERTH_ERR_VALIDATION',
      `${where} must hold ${KEY_BYTES} random bytes in base64 (e.g. \`openssl rand -base64 32\`)`,
      { field: where === 'BERTH_SECRET_KEY' ? where : 'secret.key' },
    );
  }
  return key;
}
