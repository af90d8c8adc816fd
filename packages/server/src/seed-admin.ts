/**
 * The first admin token. With BERTH_ADMIN_TOKEN set, a platform admin token with exactly that
 * secret is ensured (for automation). Otherwise, the first start with no platform admin creates
 * one and prints its secret once — through `print` (stdout), never through the logger.
 */
import { BerthError } from '@berth/errors';
import type { Store } from '@berth/store';

const MIN_SECRET_LENGTH = 24;

export async function seedAdminToken(
  store: Store,
  secret: string | undefined,
  print: (line: string) => void,
): Promise<void> {
  if (secret !== undefined && secret !== '') {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new BerthError(
        'BERTH_ERR_VALIDATION',
        `BERTH_ADMIN_TOKEN must be at least ${MIN_SECRET_LENGTH} random characters`,
        {
          field: 'BERTH_ADMIN_TOKEN',
        },
      );
    }
    await store.tokens.ensurePlatformAdmin('admin (BERTH_ADMIN_TOKEN)', secret);
    return;
  }
  if (await store.tokens.hasPlatformAdmin()) return;
  const { secret: generated } = await store.tokens.create({
    name: 'admin (first start)',
    project: null,
    role: 'admin',
  });
  print(`Berth admin token (shown once; store it safely): ${generated}`);
}
