/**
 * Renders the OpenAPI document from the route schemas, exactly as `/openapi.json` serves it.
 * Used by the `openapi` script (writes api/openapi.json) and by the drift test.
 */
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { openStore } from '@berth/store';
import { buildApp } from './app.js';
import { staticCatalog } from './catalog.js';
import { createLogger } from './logger.js';
import { hoistTitledSchemas } from './openapi-hoist.js';

/** `api/openapi.json` at the repository root (dist/ sits three levels below it). */
export const OPENAPI_FILE = fileURLToPath(new URL('../../../api/openapi.json', import.meta.url));

/** The document as committed: two-space JSON with a trailing newline. */
export async function renderOpenApi(): Promise<string> {
  const store = await openStore({ sqliteFile: ':memory:' });
  try {
    const app = await buildApp({
      store,
      catalog: staticCatalog({ versions: [], flavors: [], zones: [], volumeTypes: [], addons: [] }),
      logger: createLogger({ level: 'silent' }),
      metrics: new Registry(),
    });
    await app.ready();
    const document = hoistTitledSchemas(app.swagger() as unknown as Record<string, unknown>);
    await app.close();
    return `${JSON.stringify(document, null, 2)}\n`;
  } finally {
    await store.close();
  }
}
