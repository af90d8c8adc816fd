/** `npm run openapi -w @berth/server`: regenerates api/openapi.json from the route schemas. */
import fs from 'node:fs';
import path from 'node:path';
import { OPENAPI_FILE, renderOpenApi } from './openapi-document.js';

const text = await renderOpenApi();
fs.mkdirSync(path.dirname(OPENAPI_FILE), { recursive: true });
fs.writeFileSync(OPENAPI_FILE, text);
process.stdout.write(`wrote ${OPENAPI_FILE} (${text.length} bytes)\n`);
