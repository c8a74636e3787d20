// The plain-web-page example of docs/web.md, run as written in headless Chromium: the first
// ```html block is served with its CDN URLs mapped to the local onnxruntime-web and its import of
// node_modules/flowseg/dist/web/flowseg-web.js to the built bundle. Opening the LIDC crop must
// print the same foreground counts as onnxruntime-node for seed 0 (the doc says so).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { loadModelInput } from '../infer/index.js';
import { priorNoise } from '../infer/noise.js';
import { OnnxSampler } from '../export/onnxSampler.js';
import { viewerTestModel } from '../testing/viewerModel.js';
import { chromiumMissing, launchChromium } from '../testing/browser.js';
import { packageRoot } from '../util/paths.js';

const root = packageRoot();
const BUNDLE = join(root, 'dist', 'web', 'flowseg-web.js');
const ORT = join(root, 'node_modules', 'onnxruntime-web', 'dist');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/** dist/web/flowseg-web.js, rebuilt when missing or older than the compiled flowseg/web. */
function ensureBundle(): void {
  const compiled = join(root, 'dist', 'src', 'web', 'index.js');
  if (existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= statSync(compiled).mtimeMs) return;
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `scripts/build-web.mjs failed: ${r.stderr}`);
}

test('docs/web.md: the plain-page example runs in headless Chromium and gives onnxruntime-node’s masks for seed 0', {
  skip: chromiumMissing(),
  timeout: 300_000,
}, async () => {
  ensureBundle();
  const doc = readFileSync(join(root, 'docs', 'web.md'), 'utf8');
  const block = /```html\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block, 'docs/web.md has an ```html example');
  assert.ok(block.split('\n').length <= 30, `the example stays short (${block.split('\n').length} lines)`);
  const page = block
    .replaceAll('https://cdn.jsdelivr.net/npm/onnxruntime-web@1.30.0/dist/', '/ort/')
    .replace('./node_modules/flowseg/dist/web/flowseg-web.js', '/flowseg-web.js');
  assert.notEqual(page, block, 'the example imports the bundle and maps onnxruntime-web');

  const png = join(root, 'viewer', 'public', 'lidc-sample.png');
  const shape: [number, number, number] = [1, 128, 128];
  const image = await loadModelInput(png, shape); // what `flowseg sample --image` feeds the model
  const { model, onnx } = viewerTestModel(image, shape, 0);
  model.dispose();
  const dir = mkdtempSync(join(tmpdir(), 'fs-web-example-'));
  writeFileSync(join(dir, 'model.onnx'), onnx);
  const node = await OnnxSampler.create(join(dir, 'model.onnx'));
  const ref = await node.run(image, priorNoise(16, node.metadata.latent, 0), 16);
  await node.release();
  const expected = Array.from({ length: 16 }, (_, k) => ref.probs.slice(k * 128 * 128, (k + 1) * 128 * 128).reduce((a, p) => a + (p > 0.5 ? 1 : 0), 0));

  const fixed: Record<string, string> = { '/flowseg-web.js': BUNDLE, '/model.onnx': join(dir, 'model.onnx') };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = fixed[path] ?? (path.startsWith('/ort/') ? resolve(ORT, path.slice(5)) : '');
    if (path === '/') res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
    else if ((file === fixed[path] || file.startsWith(ORT + sep)) && existsSync(file))
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const { context, page: tab } = await launchChromium(dir);
  try {
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(url);
    await tab.waitForFunction("document.getElementById('out').textContent.startsWith('ready')", undefined, { timeout: 120_000 });
    assert.match((await tab.textContent('#out')) ?? '', /ready \(wasm\)/);
    await tab.setInputFiles('#png', png);
    await tab.waitForFunction("document.getElementById('out').textContent.includes('foreground px')", undefined, { timeout: 120_000 });
    const out = (await tab.textContent('#out')) ?? '';
    console.log(`example page: ${out}`);
    const counts = (out.split('foreground px: ')[1] ?? '').split(' ').map(Number);
    assert.deepEqual(counts, expected, 'the same masks as onnxruntime-node for seed 0');
    assert.ok(new Set(counts).size > 2, 'the samples differ');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
