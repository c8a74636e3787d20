// flowseg/web must load in a browser: no module it reaches (through relative imports of the
// compiled files) may import a Node built-in. Third-party packages are listed so a new one is a
// deliberate choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BROWSER_PACKAGES = new Set([
  'onnxruntime-web',
  'onnxruntime-web/wasm',
  'onnxruntime-web/webgpu',
  'onnx-proto',
  'munkres',
  'fflate',
  'dcmjs',
  'nifti-reader-js',
]);

test('flowseg/web reaches no Node built-in and only browser-safe packages', () => {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)) {
      const spec = (m[1] ?? m[2]) as string;
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  walk(join(here, 'index.js'));
  const builtins = [...packages].filter((p) => p.startsWith('node:') || builtinModules.includes(p));
  assert.deepEqual(builtins, [], `Node built-ins reached from flowseg/web: ${builtins.join(', ')}`);
  const unknown = [...packages].filter((p) => !BROWSER_PACKAGES.has(p));
  assert.deepEqual(unknown, [], `packages not known to be browser-safe: ${unknown.join(', ')}`);
  assert.ok(seen.size > 5, `walked ${[...seen].map((f) => relative(here, f)).join(' ')}`);
});
