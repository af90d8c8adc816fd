/**
 * The key that encrypts cluster secrets at rest: `BERTH_SECRET_KEY` (base64 of 32 bytes) when
 * set — what operators running several replicas or keeping the key outside the data dir use —
 * else `<dataDir>/secret.key`, generated on first use with mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
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
    const key = decodeKey(await readFile(file, 'utf8'), file);
    await chmod(file, 0o600);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(source.dataDir, { recursive: true });
  const key = randomBytes(KEY_BYTES);
  try {
    // `wx`: a replica starting at the same moment keeps the key the other one wrote first.
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return decodeKey(await readFile(file, 'utf8'), file);
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
