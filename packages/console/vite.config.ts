// Vite builds the console into dist/web, which berth server serves at `/`. Type-checking is
// tsc's job (`npx tsc --build`); Vite only bundles. Sources import `./x.js` (NodeNext style, so
// the same files compile for the component tests); Vite resolves those to the .ts/.tsx files.
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  // `npm run dev -w @berth/console`: Vite serves the console, the API comes from a running
  // berth server (BERTH_ENDPOINT, default the scripts/up address).
  server: {
    proxy: {
      '/v1': { target: process.env.BERTH_ENDPOINT ?? 'http://127.0.0.1:8080', changeOrigin: true },
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
