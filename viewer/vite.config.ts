// Builds the browser viewer: `npm run build:viewer` → viewer/dist (static files; `flowseg view` serves them).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  // Relative asset URLs: the built folder works from any path, or from `flowseg view`.
  base: './',
  publicDir: 'public',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
  // onnxruntime-web locates its .wasm beside its own module; pre-bundling would break that in dev.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { fs: { allow: ['..'] } },
  // Zarr codecs NiiVue could load lazily (1.4 MB): this viewer never opens Zarr.
  resolve: {
    alias: Object.fromEntries(['numcodecs/blosc', 'numcodecs/zstd', 'numcodecs/lz4'].map((m) => [m, fileURLToPath(new URL('src/noZarrCodec.ts', import.meta.url))])),
  },
});
