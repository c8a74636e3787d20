import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadTrainedModel } from '../run/loadModel.js';
import { noGrad, rand, scope, tensor, manualSeed } from '../tensor/index.js';
import { DEFAULT_MODEL_CONFIG, ProbUNet, type FlowName, type ModelKind, type PriorKind } from '../models/index.js';
import { priorNoise } from '../infer/noise.js';
import { runCli } from '../testing/cli.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { exportCheckpoint, modelToOnnx } from './exportOnnx.js';
import { OnnxSampler } from './onnxSampler.js';
import { calibrateRun, trainTinyRun, writeTestPng } from '../testing/tinyRun.js';
import type { SegmentationModel } from '../models/segmentationModel.js';

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length, 'lengths differ');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** Runs both engines on one image with the same ε and returns the largest differences. */
async function compareEngines(
  model: SegmentationModel,
  onnxPath: string,
  shape: [number, number, number],
  n: number,
  seed: number,
): Promise<{ probs: number; mu: number; sigma: number }> {
  const [c, h, w] = shape;
  const L = model.config.latent;
  const image = scope(() => rand([c * h * w]).toFloat32Array());
  const eps = priorNoise(n, L, seed);
  const torch = scope(() =>
    noGrad(() => {
      const s = model.sample(tensor(image, [1, c, h, w]), n, { eps: tensor(eps, [1, n, L]) });
      return { probs: s.probs.toFloat32Array(), mu: s.priorMu.toFloat32Array(), sigma: s.priorSigma.toFloat32Array() };
    }),
  );
  const sampler = await OnnxSampler.create(onnxPath);
  try {
    const out = await sampler.run(image, eps, n);
    return { probs: maxAbsDiff(out.probs, torch.probs), mu: maxAbsDiff(out.priorMu, torch.mu), sigma: maxAbsDiff(out.priorSigma, torch.sigma) };
  } finally {
    await sampler.release();
  }
}

const CASES: { model: ModelKind; flow: FlowName; prior?: PriorKind }[] = [
  { model: 'probunet', flow: 'none' },
  { model: 'probunet', flow: 'planar' },
  { model: 'probunet', flow: 'planar', prior: 'shared' },
  { model: 'detunet', flow: 'none' },
];

for (const c of CASES) {
  test(`export ${c.model}${c.flow === 'none' ? '' : `+${c.flow}`}${c.prior ? ` (${c.prior} prior)` : ''}: onnxruntime-node probabilities match libtorch for the same ε (≤ 1e-4)`, async () => {
    const run = trainTinyRun(c.model, c.flow, 6, c.prior);
    const out = join(dirname(run), 'model.onnx');
    const meta = exportCheckpoint(run, out);
    assert.equal(meta.latent, 3);
    assert.deepEqual(meta.inputShape, [1, 16, 16]);
    assert.ok(!readdirSync(dirname(run)).some((f) => f.includes('flowseg-tmp')), 'no temp file left');
    const { model } = loadTrainedModel(run);
    const sampler = await OnnxSampler.create(out);
    assert.equal(sampler.metadata.variant, c.model === 'detunet' ? 'detunet' : c.flow === 'none' ? 'probunet' : 'probunet+planar2');
    assert.equal(sampler.metadata.normalisation, '[0,1] = 8-bit/255, luminance for gray');
    await sampler.release();
    for (const n of [1, 8]) {
      const d = await compareEngines(model, out, [1, 16, 16], n, 11 + n);
      console.log(`${meta.variant} n=${n}: max |Δprobs| ${d.probs.toExponential(2)}, |Δμ| ${d.mu.toExponential(2)}, |Δσ| ${d.sigma.toExponential(2)}`);
      assert.ok(d.probs <= 1e-4, `probs differ by ${d.probs}`);
      assert.ok(d.mu <= 1e-4 && d.sigma <= 1e-4, `prior differs: μ ${d.mu}, σ ${d.sigma}`);
    }
    model.dispose();
    rmSync(dirname(run), { recursive: true });
  });
}

test('export: three levels, odd-sized deepest level, random weights (resize to the skip size, not ×2)', async () => {
  manualSeed(3);
  const model = new ProbUNet({ ...DEFAULT_MODEL_CONFIG, filters: [4, 8, 16], latent: 6, convsPerBlock: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'fs-export-rand-'));
  const out = join(dir, 'model.onnx');
  const shape: [number, number, number] = [1, 20, 28]; // 20×28 → 10×14 → 5×7
  writeFileAtomic(out, modelToOnnx(model, shape).bytes);
  const d = await compareEngines(model, out, shape, 5, 2);
  assert.ok(d.probs <= 1e-4 && d.mu <= 1e-4 && d.sigma <= 1e-4, `differences ${JSON.stringify(d)}`);
  model.dispose();
  rmSync(dir, { recursive: true });
});

test('CLI: `flowseg sample --seed S` writes identical masks with --engine torch and --engine onnx', async () => {
  const run = trainTinyRun('probunet', 'planar');
  const dir = dirname(run);
  const image = join(dir, 'scan.png');
  writeTestPng(image, 24); // resized (--resize) to the model's 16×16 by both engines
  await calibrateRun(run, image);
  const cli = (...args: string[]): string => {
    const r = runCli(args);
    assert.equal(r.status, 0, `flowseg ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  cli('export', '--checkpoint', run, '--out', join(dir, 'model.onnx'));
  cli('sample', '--checkpoint', run, '--image', image, '--resize', '-n', '8', '--seed', '5', '--out', join(dir, 'torch'));
  cli(
    'sample',
    '--engine',
    'onnx',
    '--checkpoint',
    join(dir, 'model.onnx'),
    '--image',
    image,
    '--resize',
    '-n',
    '8',
    '--seed',
    '5',
    '--out',
    join(dir, 'onnx'),
  );
  for (let k = 0; k < 8; k++) {
    const f = `sample-${String(k).padStart(2, '0')}.png`;
    assert.ok(readFileSync(join(dir, 'torch', f)).equals(readFileSync(join(dir, 'onnx', f))), `${f} differs between engines`);
  }
  const fg = (e: string): number[] => (JSON.parse(readFileSync(join(dir, e, 'samples.json'), 'utf8')) as { foreground: number[] }).foreground;
  assert.deepEqual(fg('onnx'), fg('torch'));
  console.log(`foreground pixels per sample: ${fg('torch').join(' ')}`);
  assert.ok(
    fg('torch').some((v) => v > 0 && v < 256),
    'calibrated masks are neither empty nor full',
  );
  rmSync(dir, { recursive: true });
});
