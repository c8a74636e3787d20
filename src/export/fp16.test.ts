// fp16 weights: exact float16 rounding, and masks that agree with the float32 export for a seed.
// FLOWSEG_FP16_MODEL=<fp32 .onnx> FLOWSEG_FP16_DATA=<prepared dir> reruns the agreement check
// on a real model and the first FLOWSEG_FP16_IMAGES (default 200) images of real data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { float16Bits, float16Value, weightsToFloat16 } from './fp16.js';
import { exportCheckpoint, modelToOnnx } from './exportOnnx.js';
import { OnnxSampler } from './onnxSampler.js';
import { readOnnxMetadata } from './onnxMetadata.js';
import { parseMetadata } from './metadata.js';
import { priorNoise } from '../infer/noise.js';
import { loadModelInput } from '../infer/modelInput.js';
import { openPrepared } from '../data/prepared/open.js';
import { syntheticDataset } from '../data/synthetic.js';
import { DEFAULT_MODEL_CONFIG, ProbUNet } from '../models/index.js';
import { manualSeed } from '../tensor/index.js';
import { calibrateRun, trainTinyRun, writeTestPng } from '../testing/tinyRun.js';

test('float16Bits: IEEE binary16, round to nearest even, subnormals, overflow; float16Value inverts it', () => {
  const cases: [number, number][] = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.1, 0x2e66],
    [1 / 3, 0x3555],
    [65504, 0x7bff],
    [65519, 0x7bff], // below the midpoint to 65536
    [65520, 0x7c00], // the tie rounds to even: Inf
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // tie between 0 and 2⁻²⁴: even is 0
    [3 * 2 ** -26, 0x0001],
    [1 + 2 ** -11, 0x3c00], // tie: even mantissa stays
    [1 + 3 * 2 ** -11, 0x3c02], // tie: odd mantissa rounds up
    [Number.POSITIVE_INFINITY, 0x7c00],
  ];
  for (const [x, bits] of cases) assert.equal(float16Bits(x).toString(16), bits.toString(16), `float16(${x})`);
  assert.ok(Number.isNaN(float16Value(float16Bits(Number.NaN))));
  // Every float32 goes to a nearest half: no neighbour is closer.
  let x = 0.3;
  for (let i = 0; i < 20_000; i++) {
    x = (x * 9301 + 49297) % 233280;
    const v = Math.fround((x / 233280 - 0.5) * 2 ** ((i % 40) - 24) * 3);
    const h = float16Bits(v);
    const err = Math.abs(float16Value(h) - v);
    for (const d of [-1, 1]) {
      const other = float16Value((h & 0x8000) | Math.max(0, (h & 0x7fff) + d));
      if (Number.isFinite(other)) assert.ok(err <= Math.abs(other - v), `${v}: ${float16Value(h)} is farther than ${other}`);
    }
  }
});

/** Share of pixels whose masks (p > 0.5) agree between two ONNX files, same images, same ε. */
async function maskAgreement(
  fp32: string,
  fp16: string,
  images: Float32Array[],
  n: number,
  seed: number,
): Promise<{ agree: number; pixels: number; maxDp: number; foreground: number; iou: number }> {
  const [a, b] = [await OnnxSampler.create(fp32, { threads: 1 }), await OnnxSampler.create(fp16, { threads: 1 })];
  let agree = 0;
  let pixels = 0;
  let maxDp = 0;
  let foreground = 0;
  let union = 0;
  try {
    for (const [i, image] of images.entries()) {
      const eps = priorNoise(n, a.latent, seed + i);
      const [p, q] = [(await a.run(image, eps, n)).probs, (await b.run(image, eps, n)).probs];
      for (let k = 0; k < p.length; k++) {
        if (p[k] > 0.5 === q[k] > 0.5) agree++;
        if (p[k] > 0.5) foreground++;
        if (p[k] > 0.5 || q[k] > 0.5) union++;
        maxDp = Math.max(maxDp, Math.abs(p[k] - q[k]));
      }
      pixels += p.length;
    }
  } finally {
    await a.release();
    await b.release();
  }
  // IoU of the fp16 and fp32 masks over all pixels: the agreement where it is not trivial (LIDC masks are ~0.2% of a crop)
  return { agree: agree / pixels, pixels, maxDp, foreground: foreground / pixels, iou: union === 0 ? 1 : (union - (pixels - agree)) / union };
}

test('export --fp16: float16 weights, float32 graph; masks agree with float32 on ≥ 99.9% of pixels; onnxruntime-node and -web run it', async () => {
  const run = trainTinyRun('probunet', 'planar', 6);
  const dir = dirname(run);
  try {
    writeTestPng(join(dir, 'scan.png'), 16);
    await calibrateRun(run, join(dir, 'scan.png')); // about half the pixels foreground: masks that can disagree
    const m32 = exportCheckpoint(run, join(dir, 'fp32.onnx'));
    const m16 = exportCheckpoint(run, join(dir, 'fp16.onnx'), { fp16: true });
    assert.equal(m16.weights, 'float16');
    assert.equal(parseMetadata(readOnnxMetadata(readFileSync(join(dir, 'fp16.onnx'))), 'fp16.onnx').weights, 'float16');
    assert.equal(parseMetadata(readOnnxMetadata(readFileSync(join(dir, 'fp32.onnx'))), 'fp32.onnx').weights, 'float32');
    console.log(`tiny model: fp32 ${m32.bytes} B, fp16 ${m16.bytes} B`);
    assert.ok(m16.bytes < m32.bytes, `fp16 file ${m16.bytes} B vs fp32 ${m32.bytes} B`); // tiny: the graph, not the weights, is most of the file
    const again = readFileSync(join(dir, 'fp16.onnx'));
    assert.ok(Buffer.from(weightsToFloat16(again)).equals(again), 'converting an fp16 file again changes nothing');

    const data = syntheticDataset({ items: 24, size: 16, disagreement: 0.5, seed: 0 });
    const images = [await loadModelInput(join(dir, 'scan.png'), [1, 16, 16]), ...Array.from({ length: 8 }, (_, i) => data.get(i).image)];
    const r = await maskAgreement(join(dir, 'fp32.onnx'), join(dir, 'fp16.onnx'), images, 64, 3);
    console.log(
      `fp16 vs fp32, ${r.pixels} pixels (${images.length} images × 64 samples): ${(100 * r.agree).toFixed(3)}% of mask pixels agree, max |Δp| ${r.maxDp.toExponential(2)}, ${(100 * r.foreground).toFixed(1)}% foreground, mask IoU ${r.iou.toFixed(5)}`,
    );
    assert.ok(r.agree >= 0.999, `masks agree on ${r.agree}`);
    assert.ok(r.foreground > 0.05 && r.foreground < 0.95, `foreground share ${r.foreground}: masks neither empty nor full`);
    assert.ok(r.maxDp > 0, 'the weights were rounded (else the check proves nothing)');

    // onnxruntime-web (wasm, the viewer's engine) runs the fp16 file and gives onnxruntime-node's numbers.
    const web = await import('onnxruntime-web');
    web.env.wasm.numThreads = 1;
    const session = await web.InferenceSession.create(readFileSync(join(dir, 'fp16.onnx')), { executionProviders: ['wasm'] });
    const eps = priorNoise(4, 3, 1);
    const out = await session.run({
      image: new web.Tensor('float32', images[0] as Float32Array, [1, 1, 16, 16]),
      eps: new web.Tensor('float32', eps, [1, 4, 3]),
    });
    const node = await OnnxSampler.create(join(dir, 'fp16.onnx'), { threads: 1 });
    const expected = (await node.run(images[0] as Float32Array, eps, 4)).probs;
    await node.release();
    await session.release();
    const got = out.probs?.data as Float32Array;
    let d = 0;
    for (let k = 0; k < expected.length; k++) d = Math.max(d, Math.abs(got[k] - expected[k]));
    assert.ok(d <= 1e-5, `onnxruntime-web vs -node on the fp16 file: ${d}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('export --fp16: size of the default LIDC architecture (filters 32,64,128,192, L = 6, 2 planar steps), fresh weights', () => {
  manualSeed(1);
  const model = new ProbUNet({ ...DEFAULT_MODEL_CONFIG, filters: [32, 64, 128, 192], latent: 6, flow: 'planar', flowSteps: 2 });
  try {
    const fp32 = modelToOnnx(model, [1, 128, 128]).bytes;
    const fp16 = weightsToFloat16(fp32);
    console.log(`default LIDC architecture: fp32 ${(fp32.length / 1e6).toFixed(2)} MB, fp16 ${(fp16.length / 1e6).toFixed(2)} MB`);
    assert.ok(fp16.length < 0.52 * fp32.length, `fp16 ${fp16.length} B vs fp32 ${fp32.length} B`);
    assert.ok(fp16.length <= 10e6, 'a shipped model is at most 10 MB');
  } finally {
    model.dispose();
  }
});

const realModel = process.env.FLOWSEG_FP16_MODEL;
const realData = process.env.FLOWSEG_FP16_DATA;
test('export --fp16 on a real model: masks agree with float32 on ≥ 99.9% of pixels (FLOWSEG_FP16_MODEL, FLOWSEG_FP16_DATA)', async (t) => {
  if (!realModel || !realData) return t.skip('set FLOWSEG_FP16_MODEL=<fp32 .onnx> and FLOWSEG_FP16_DATA=<prepared dir> to run it');
  const fp16 = join(dirname(realModel), `.fp16-check-${process.pid}.onnx`);
  try {
    writeFileSync(fp16, weightsToFloat16(readFileSync(realModel), realModel));
    const data = openPrepared(realData);
    const count = Math.min(data.ids.length, Number(process.env.FLOWSEG_FP16_IMAGES ?? 200));
    const r = await maskAgreement(
      realModel,
      fp16,
      Array.from({ length: count }, (_, i) => data.get(i).image),
      16,
      0,
    );
    console.log(
      `${realModel}: ${count} images × 16 samples, ${r.pixels} pixels: ${(100 * r.agree).toFixed(4)}% agree, max |Δp| ${r.maxDp.toExponential(2)}, ${(100 * r.foreground).toFixed(2)}% foreground, mask IoU fp16 vs fp32 ${r.iou.toFixed(5)}`,
    );
    assert.ok(r.agree >= 0.999, `masks agree on ${r.agree}`);
  } finally {
    rmSync(fp16, { force: true });
  }
});
