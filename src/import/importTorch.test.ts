// PyTorch → flowseg: bench/pytorch/models.py builds and saves the model with python3 + torch,
// flowseg imports it and must give the same logits for the same image and prior noise ε.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadTrainedModel } from '../run/index.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { tensor } from '../tensor/create.js';
import { noGrad } from '../tensor/engine.js';
import { scope } from '../tensor/scope.js';
import { FlowsegInputError } from '../util/errors.js';
import { writePrepared } from '../data/prepared/index.js';
import { readSynthetic } from '../data/synthetic.js';
import { importTorch, loadTorchModel } from './importTorch.js';
import { writeTorchFixture } from './testing.js';

const scratch = mkdtempSync(join(tmpdir(), 'flowseg-import-torch-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Golden {
  image: number[];
  imageShape: number[];
  eps: number[];
  logits: number[];
  mask: number[];
  posteriorMu: number[];
  logitsBounded?: number[];
}

const SPEC = { inChannels: 2, filters: [4, 8, 16], latent: 3, flow: 'planar', flowSteps: 2, size: 16 };

function fixture(kind: 'model' | 'knegt', name: string, spec: object): { file: string; golden: Golden } {
  const file = join(scratch, `${name}.pth`);
  writeTorchFixture(kind, file, spec);
  return { file, golden: JSON.parse(readFileSync(`${file}.golden.json`, 'utf8')) as Golden };
}

/** Max |flowseg − PyTorch| of the sampled logits for the golden image and ε. */
function logitsError(model: SegmentationModel, g: Golden): number {
  return scope(() =>
    noGrad(() => {
      const [b, , h, w] = g.imageShape as [number, number, number, number];
      const n = g.eps.length / (b * model.config.latent);
      const image = tensor(Float32Array.from(g.image), g.imageShape);
      const eps = tensor(Float32Array.from(g.eps), [b, n, model.config.latent]);
      const got = model.sample(image, n, { eps }).logits.toFloat64Array(); // [B, n, H, W]
      assert.equal(got.length, b * n * h * w);
      return got.reduce((m, v, i) => Math.max(m, Math.abs(v - (g.logits[i] as number))), 0);
    }),
  );
}

test('flowseg/bench names (ProbUNet + planar2, 2 channels): config read off the shapes, logits match PyTorch ≤ 1e-5', () => {
  const { file, golden } = fixture('model', 'bench', SPEC);
  const m = loadTorchModel(file);
  try {
    assert.equal(m.layout, 'flowseg');
    const c = m.config;
    assert.deepEqual(
      [c.model, c.inChannels, c.filters, c.convsPerBlock, c.latent, c.flow, c.flowSteps, c.dtype],
      ['probunet', 2, [4, 8, 16], 3, 3, 'planar', 2, 'float32'],
    );
    const err = logitsError(m.model, golden);
    process.stdout.write(`# import-torch bench layout: max |Δ logits| = ${err.toExponential(2)}\n`);
    assert.ok(err <= 1e-5, `max |Δ logits| ${err}`);
  } finally {
    m.model.dispose();
  }
});

test("Knegt's Probabilistic-Unet-Pytorch module tree: convs found by rank; logits match its forward ≤ 1e-5 up to flowseg's bounded log σ", () => {
  const spec = { ...SPEC, inChannels: 1, flow: 'none', flowSteps: 0 };
  const { file, golden } = fixture('knegt', 'knegt', spec);
  const m = loadTorchModel(file);
  try {
    assert.equal(m.layout, 'knegt');
    assert.deepEqual([m.config.filters, m.config.latent, m.config.flow], [[4, 8, 16], 3, 'none']);
    assert.equal(m.notes.length, 2); // posterior shift, log σ bound
    // Knegt's forward with flowseg's log σ = B·tanh(raw/B): everything the renaming carries over
    const err = logitsError(m.model, { ...golden, logits: golden.logitsBounded as number[] });
    // Knegt's own forward (raw log σ): differs by the bound, ≈ raw³/(3B²) in log σ
    const raw = logitsError(m.model, golden);
    process.stdout.write(
      `# import-torch Knegt layout: max |Δ logits| = ${err.toExponential(2)} (bounded log σ), ${raw.toExponential(2)} (Knegt's raw log σ)\n`,
    );
    assert.ok(err <= 1e-5, `max |Δ logits| ${err}`);
    assert.ok(raw <= 1e-3, `max |Δ logits| vs raw log σ ${raw}`);
  } finally {
    m.model.dispose();
  }
});

test('import-torch writes a run folder that loadTrainedModel reads back with the same logits', () => {
  const { file, golden } = fixture('model', 'run', SPEC);
  const out = join(scratch, 'run-out');
  const r = importTorch({ file, out, data: 'data/lidc', size: 16 });
  assert.deepEqual([r.variant, r.layout], ['probunet+planar2', 'flowseg']);
  assert.ok(existsSync(join(out, 'config.json')) && existsSync(join(out, 'checkpoint-best.safetensors')));
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(
    [config.variant, config.data, config.inputShape, (config.importedFrom as { layout: string }).layout],
    ['probunet+planar2', 'data/lidc', [2, 16, 16], 'flowseg'],
  );
  const { model } = loadTrainedModel(out);
  try {
    assert.ok(logitsError(model, golden) <= 1e-5);
  } finally {
    model.dispose();
  }
  // an earlier import is replaced; a folder flowseg did not write is refused
  importTorch({ file, out, size: 16 });
  assert.throws(() => importTorch({ file, out: scratch }), /exists and was not written by flowseg/);
});

test('import-torch takes the input size from a prepared --data and refuses one with other channels', async () => {
  const { file } = fixture('model', 'sized', { ...SPEC, flow: 'none', flowSteps: 0 });
  const data = join(scratch, 'prepared');
  await writePrepared(readSynthetic('synthetic', { items: 2, size: 24, seed: 1 }), { out: data, source: { format: 'synthetic', input: 'synthetic' } });
  // the synthetic set is 1-channel, the model takes 2
  assert.throws(
    () => importTorch({ file, out: join(scratch, 'sized-run'), data }),
    /--data .*prepared holds 1-channel images but the checkpoint's first conv takes 2/,
  );
  const one = fixture('model', 'sized1', { ...SPEC, inChannels: 1, flow: 'none', flowSteps: 0 }).file;
  importTorch({ file: one, out: join(scratch, 'sized-run'), data });
  const config = JSON.parse(readFileSync(join(scratch, 'sized-run', 'config.json'), 'utf8')) as { inputShape: number[] };
  assert.deepEqual(config.inputShape, [1, 24, 24]);
});

test('bad state_dicts: missing key, unexpected key, shape mismatch → one line naming the file and key', () => {
  const rejects = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof FlowsegInputError && pattern.test(e.message) && !e.message.includes('\n'));
  const small = { ...SPEC, flow: 'none', flowSteps: 0 };
  const missing = fixture('model', 'missing', { ...small, drop: ['fcomb.last.bias'] }).file;
  rejects(() => loadTorchModel(missing), /missing\.pth: no tensor for "fcomb\.last\.bias"; the state_dict is incomplete/);
  const extra = fixture('model', 'extra', { ...small, extra: ['decoder.weight'] }).file;
  rejects(() => loadTorchModel(extra), /extra\.pth: key "decoder\.weight" has no place in a probunet model/);
  const ok = fixture('model', 'ok', small).file;
  rejects(() => loadTorchModel(ok, { latent: 4 }), /ok\.pth: key "prior\.head\.weight" has shape \[6,16,1,1\] but the probunet model expects \[8,16,1,1\]/);
  const knegtMissing = fixture('knegt', 'knegt-missing', { ...small, inChannels: 1, drop: ['prior.conv_layer.bias'] }).file;
  rejects(() => loadTorchModel(knegtMissing), /knegt-missing\.pth: no tensor for "prior\.head\.bias" \(Knegt layout\)/);
  const knegtExtra = fixture('knegt', 'knegt-extra', { ...small, inChannels: 1, extra: ['unet.upsampling_path.0.upconv_layer.weight'] }).file;
  rejects(() => loadTorchModel(knegtExtra), /key "unet\.upsampling_path\.0\.upconv_layer\.weight" is a transposed-convolution upsampling/);
});
