// flowseg/web under Node: onnxruntime-web's own Node build runs the same wasm kernels as the
// browser, so the sampler's logic (metadata, seeded ε, one run, masks and maps) is checked here
// against onnxruntime-node on the same exported model and seed. The browser itself is covered
// by src/export/viewer*.e2e.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_CONFIG, ProbUNet } from '../models/index.js';
import { manualSeed, rand, scope } from '../tensor/index.js';
import { modelToOnnx } from '../export/exportOnnx.js';
import { OnnxSampler } from '../export/onnxSampler.js';
import { priorNoise } from '../infer/noise.js';
import { calibrateModel } from '../testing/tinyRun.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { FlowsegInputError } from '../util/errors.js';
import { WebSampler } from './sampler.js';
import { entropyMap, meanMap, stdMap } from '../metrics/index.js';

const SHAPE: [number, number, number] = [1, 32, 32];
const N = 16;
const SEED = 3;

test('WebSampler (onnxruntime-web, wasm) gives onnxruntime-node’s masks and maps for the same seed', async () => {
  manualSeed(11);
  const model = new ProbUNet({ ...DEFAULT_MODEL_CONFIG, filters: [4, 8], latent: 3 });
  const crop = scope(() => rand([32 * 32]).toFloat32Array());
  calibrateModel(model, crop, SHAPE, SEED);
  const dir = mkdtempSync(join(tmpdir(), 'fs-web-'));
  const path = join(dir, 'model.onnx');
  writeFileAtomic(path, modelToOnnx(model, SHAPE).bytes);
  model.dispose();
  const node = await OnnxSampler.create(path);
  // onnxruntime-web's Node build (the package root under the `node` condition): the wasm backend.
  const web = await WebSampler.load(readFileSync(path), { ort: await import('onnxruntime-web'), backend: 'wasm', name: 'model.onnx' });
  try {
    assert.equal(web.backend, 'wasm');
    assert.deepEqual(web.inputShape, SHAPE);
    assert.equal(web.metadata.latent, 3);
    const s = await web.sample(crop, { n: N, seed: SEED });
    const ref = await node.run(crop, priorNoise(N, 3, SEED), N);
    assert.equal(s.probs.length, N);
    let maxDiff = 0;
    for (const [k, p] of s.probs.entries())
      for (const [i, v] of p.entries()) maxDiff = Math.max(maxDiff, Math.abs(v - (ref.probs[k * p.length + i] as number)));
    assert.ok(maxDiff <= 1e-5, `web vs node probabilities differ by ${maxDiff}`);
    const fg = s.masks.map((m) => m.reduce((a, b) => a + b, 0));
    const refFg = Array.from({ length: N }, (_, k) => ref.probs.slice(k * 1024, (k + 1) * 1024).reduce((a, v) => a + (v > 0.5 ? 1 : 0), 0));
    assert.deepEqual(fg, refFg);
    assert.ok(new Set(fg).size > 2, `samples differ (foreground ${fg.join(' ')})`);
    // The maps are the metric module's, over these probabilities.
    assert.deepEqual(s.mean, meanMap(s.probs));
    assert.deepEqual(s.std, stdMap(s.probs));
    assert.deepEqual(s.entropy, entropyMap(s.probs));
    assert.ok(
      s.entropy.some((v) => v > 0.1),
      'some pixels are uncertain',
    );
    assert.equal(s.n, N);
    assert.equal(s.seed, SEED);
    assert.ok(s.ms > 0);
    // The first k samples of a seed do not depend on n.
    const four = await web.sample(crop, { n: 4, seed: SEED });
    assert.deepEqual(four.masks, s.masks.slice(0, 4));

    // Bad input: one line each, naming the fix.
    await assert.rejects(web.sample(new Float32Array(10)), (e: Error) => e instanceof FlowsegInputError && /Float32Array \[1, 32, 32\]/.test(e.message));
    await assert.rejects(web.sample(crop.map((v) => v * 255)), (e: Error) => e instanceof FlowsegInputError && /outside \[0, 1\]/.test(e.message));
    await assert.rejects(web.sample(crop, { n: 0 }), FlowsegInputError);
    await assert.rejects(WebSampler.load(new Uint8Array([1, 2, 3]), { ort: await import('onnxruntime-web'), backend: 'wasm' }));
  } finally {
    await web.release();
    await node.release();
    rmSync(dir, { recursive: true, force: true });
  }
});
