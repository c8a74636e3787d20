#!/usr/bin/env node
// Builds dist/web/flowseg-web.js: flowseg/web as ONE ES module for pages without a bundler
// (`<script type="module">` + an import map for onnxruntime-web; docs/web.md). Its own
// dependencies (onnx-proto, munkres, fflate, dcmjs, nifti-reader-js) are inside; onnxruntime-web
// stays an import, so its .wasm files load from wherever the page maps it (a CDN or node_modules).
// Bundlers (Vite, webpack, esbuild) use the `flowseg/web` export (dist/src/web) instead.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    lib: { entry: 'dist/src/web/index.js', formats: ['es'], fileName: () => 'flowseg-web.js' },
    rollupOptions: { external: [/^onnxruntime-web/] },
  },
});
