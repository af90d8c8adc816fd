// Vite builds the console into dist/web, which berth server serves at `/`. Type-checking is
// tsc's job (`npx tsc --build`); Vite only bundles. Sources import `./x.js` (NodeNext style, so
// the same files compile for the component tests); Vite resolves those to the .ts/.tsx files.
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
});
