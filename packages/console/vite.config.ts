// Vite builds the console into dist/web, which berth server serves at `/`. Type-checking is
// tsc's job (`npx tsc --build`); Vite only bundles. Sources import `./x.js` (NodeNext style, so
// the same files compile for the component tests); Vite resolves those to the .ts/.tsx files.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vite';

const endpoint = process.env.BERTH_ENDPOINT ?? 'https://127.0.0.1:8080';
// The API is HTTPS with Berth's API CA (scripts/up's by default): the proxy verifies it.
const caFile = process.env.BERTH_CA_FILE ?? path.join(os.homedir(), '.berth', 'data', 'api-ca.crt');
const agent =
  endpoint.startsWith('https:') && fs.existsSync(caFile)
    ? new https.Agent({ ca: fs.readFileSync(caFile) })
    : undefined;

export default defineConfig({
  publicDir: false,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  // `npm run dev -w @berth/console`: Vite serves the console, the API comes from a running
  // berth server (BERTH_ENDPOINT, default the scripts/up address; BERTH_CA_FILE, default
  // scripts/up's API CA).
  server: {
    proxy: {
      '/v1': { target: endpoint, changeOrigin: true, ...(agent ? { agent } : {}) },
    },
  },
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
});
