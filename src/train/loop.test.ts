import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { train, DEFAULT_TRAIN, type TrainConfig, TrainingDivergedError } from './index.js';
import { loadTrainedModel } from '../run/index.js';
import { DEFAULT_MODEL_CONFIG, type FlowName } from '../models/config.js';
import { scope, tensor, liveTensors } from '../tensor/index.js';
import { syntheticDataset } from '../data/synthetic.js';
import { FlowsegInputError } from '../util/errors.js';

function config(flow: FlowName, over: Partial<TrainConfig> = {}): TrainConfig {
  const modelConfig = { ...DEFAULT_MODEL_CONFIG, filters: [4, 8], flow, flowSteps: flow === 'none' ? 0 : 2, latent: 2 };
  return {
    ...DEFAULT_TRAIN,
    data: 'synthetic',
    modelConfig,
    variant: flow,
    synthetic: { items: 48, size: 16, disagreement: 0.5 },
    batchSize: 4,
    maxValImages: 8,
    ...over,
  };
}
const tmp = (): string => mkdtempSync(join(tmpdir(), 'fs-train-'));
const weights = (dir: string): Float32Array[] => {
  const { model } = loadTrainedModel(dir, 'last');
  const out = model.parameters().map((p) => p.toFloat32Array());
  model.dispose();
  return out;
};

for (const flow of ['none', 'planar', 'radial', 'cplanar', 'cglow'] as const) {
  test(`resume equivalence (${flow}): N steps + resume + N steps == 2N steps, bit for bit`, () => {
    const a = tmp();
    const b = tmp();
    train({ config: config(flow, { maxSteps: 14 }), outDir: a }).model.dispose(); // crosses an epoch boundary (8 train batches/epoch)
    train({ config: config(flow, { maxSteps: 7 }), outDir: b }).model.dispose();
    train({ config: config(flow, { maxSteps: 14 }), outDir: b, resume: true }).model.dispose();
    const wa = weights(a);
    const wb = weights(b);
    assert.equal(wa.length, wb.length);
    wa.forEach((w, i) => {
      assert.deepEqual(w, wb[i], `parameter ${i} differs after resume`);
    });
    const stepsA = readFileSync(join(a, 'log.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"kind":"step"'));
    const stepsB = readFileSync(join(b, 'log.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"kind":"step"'));
    assert.deepEqual(
      stepsB.map((l) => JSON.parse(l).loss),
      stepsA.map((l) => JSON.parse(l).loss),
    );
    rmSync(a, { recursive: true });
    rmSync(b, { recursive: true });
  });
}

test('run dir contract: config.json, split.json, log.jsonl, checkpoint-last/best; refuses to overwrite without --resume', () => {
  const dir = tmp();
  const before = liveTensors();
  train({ config: config('planar', { epochs: 2 }), outDir: dir }).model.dispose();
  assert.equal(liveTensors(), before, 'training leaks no tensors');
  for (const f of ['config.json', 'split.json', 'log.jsonl', 'checkpoint-last.safetensors', 'checkpoint-best.safetensors'])
    assert.ok(existsSync(join(dir, f)), f);
  assert.ok(!readdirSync(dir).some((f) => f.includes('flowseg-tmp')), 'no temp files left');
  const lines = readFileSync(join(dir, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const epochs = lines.filter((l) => l.kind === 'epoch');
  assert.equal(epochs.length, 2);
  assert.ok(Number.isFinite(epochs[0].valLoss) && Number.isFinite(epochs[0].trainLoss));
  const step = lines.find((l) => l.kind === 'step');
  for (const k of ['loss', 'ce', 'kl', 'logDet']) assert.ok(Number.isFinite(step[k]), k);
  assert.throws(() => train({ config: config('planar'), outDir: dir }), FlowsegInputError);
  rmSync(dir, { recursive: true });
});

test('NaN/Inf in the loss stops training with a message naming step, batch and the loss part', () => {
  const dir = tmp();
  assert.throws(
    () => train({ config: config('none', { lr: 1e12, maxSteps: 40 }), outDir: dir }),
    (err: Error) => {
      assert.ok(err instanceof TrainingDivergedError, String(err));
      assert.match(err.message, /at step \d+ \(epoch \d+, batch \d+/);
      assert.match(err.message, /the (ce|kl|logDet|total) term/);
      return true;
    },
  );
  rmSync(dir, { recursive: true });
});

test('learning: on synthetic data with known rater disagreement the loss falls and samples cover several modes', () => {
  const dir = tmp();
  const cfg = config('planar', {
    synthetic: { items: 64, size: 16, disagreement: 1 },
    lr: 3e-3,
    maxSteps: 400,
    batchSize: 8,
    modelConfig: { ...DEFAULT_MODEL_CONFIG, filters: [8, 16], latent: 2, flow: 'planar', flowSteps: 2 },
  });
  train({ config: cfg, outDir: dir }).model.dispose();
  const steps = readFileSync(join(dir, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((l) => l.kind === 'step');
  const mean = (xs: { ce: number }[]): number => xs.reduce((a, x) => a + x.ce, 0) / xs.length;
  const first = mean(steps.slice(0, 20));
  const last = mean(steps.slice(-40));
  assert.ok(last < 0.5 * first, `reconstruction loss fell from ${first.toFixed(1)} to ${last.toFixed(1)}`);
  const { model } = loadTrainedModel(dir, 'last');
  const data = syntheticDataset({ items: 64, size: 16, disagreement: 1, seed: 0 });
  let multiModal = 0;
  scope(() => {
    for (let i = 0; i < 16; i++) {
      const item = data.get(i);
      const probs = model.sample(tensor(item.image, [1, 1, 16, 16]), 16).probs.toFloat32Array();
      const sizes = new Set<number>();
      for (let s = 0; s < 16; s++) {
        let fg = 0;
        for (let p = 0; p < 256; p++) fg += (probs[s * 256 + p] as number) > 0.5 ? 1 : 0;
        sizes.add(Math.round(fg / 4));
      }
      if (sizes.size > 1) multiModal++;
    }
  });
  model.dispose();
  assert.ok(multiModal >= 4, `only ${multiModal}/16 images got samples of different sizes`);
  rmSync(dir, { recursive: true });
});

test('cosine schedule: each step logs the rate of its budget fraction; a budget stop validates the final weights', () => {
  const dir = tmp();
  // 8 train batches per epoch: 10 steps cross an epoch end (a validation at step 8) and stop at 10.
  train({ config: config('planar', { maxSteps: 10, lr: 1e-3, lrSchedule: 'cosine', warmupSteps: 2 }), outDir: dir }).model.dispose();
  const lines = readFileSync(join(dir, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const rates = lines.filter((l) => l.kind === 'step').map((l) => l.lr as number);
  // Step s (1-based) runs after s−1 steps: warm-up min(1, s/2), fraction (s−1)/10 of the step budget.
  const expected = rates.map((_, i) => 1e-3 * Math.min(1, (i + 1) / 2) * (0.02 + 0.98 * 0.5 * (1 + Math.cos((Math.PI * i) / 10))));
  assert.equal(rates.length, 10);
  for (const [i, r] of rates.entries()) assert.ok(Math.abs(r - (expected[i] as number)) <= 1e-3 * 1e-3, `step ${i + 1}: lr ${r}, expected ${expected[i]}`);
  const validated = lines.filter((l) => l.kind === 'epoch').map((l) => l.step as number);
  assert.equal(validated.at(-1), 10, `the final weights are validated at the budget stop (validations at ${validated.join(', ')})`);
  rmSync(dir, { recursive: true });
});

test('gradClip auto: from step 21 each step logs a limit of 4 × the median of the earlier norms; --resume keeps the history', () => {
  const a = tmp();
  const b = tmp();
  train({ config: config('planar', { maxSteps: 30, gradClip: 'auto' }), outDir: a }).model.dispose();
  train({ config: config('planar', { maxSteps: 24, gradClip: 'auto' }), outDir: b }).model.dispose();
  train({ config: config('planar', { maxSteps: 30, gradClip: 'auto' }), outDir: b, resume: true }).model.dispose();
  const steps = (dir: string): { gradNorm: number; gradLimit?: number }[] =>
    readFileSync(join(dir, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.kind === 'step');
  const sa = steps(a);
  assert.equal(sa.length, 30);
  for (const [i, s] of sa.entries()) {
    if (i < 20) {
      assert.equal(s.gradLimit, undefined, `step ${i + 1} has no limit yet`);
      continue;
    }
    const earlier = sa
      .slice(0, i)
      .map((x) => x.gradNorm)
      .sort((x, y) => x - y);
    const mid = earlier.length >> 1;
    const median = earlier.length % 2 ? (earlier[mid] as number) : ((earlier[mid - 1] as number) + (earlier[mid] as number)) / 2;
    assert.ok(Math.abs((s.gradLimit as number) - 4 * median) <= 1e-3 * median, `step ${i + 1}: limit ${s.gradLimit}, expected ${4 * median}`);
  }
  // The resumed run's steps 25–30 have the same limits: the norms of steps 1–24 came back with the checkpoint.
  assert.deepEqual(
    steps(b)
      .slice(24)
      .map((s) => s.gradLimit),
    sa.slice(24).map((s) => s.gradLimit),
  );
  rmSync(a, { recursive: true });
  rmSync(b, { recursive: true });
});

test('priorLrScale: after one step only the prior net differs from a run at scale 1 (its own lr); the config records it', () => {
  const names = (dir: string): string[] => {
    const { model } = loadTrainedModel(dir, 'last');
    const out = [...model.namedParameters().keys()];
    model.dispose();
    return out;
  };
  const [plain, scaled] = [tmp(), tmp()];
  train({ config: config('planar', { maxSteps: 1 }), outDir: plain }).model.dispose();
  train({ config: config('planar', { maxSteps: 1, priorLrScale: 4 }), outDir: scaled }).model.dispose();
  const [a, b] = [weights(plain), weights(scaled)];
  const priorCount = names(plain).filter((n) => n.startsWith('prior.')).length;
  assert.ok(priorCount > 0);
  names(plain).forEach((name, i) => {
    if (name.startsWith('prior.')) assert.notDeepEqual(a[i], b[i], name);
    else assert.deepEqual(a[i], b[i], name);
  });
  assert.equal(JSON.parse(readFileSync(join(scaled, 'config.json'), 'utf8')).priorLrScale, 4);
  rmSync(plain, { recursive: true });
  rmSync(scaled, { recursive: true });
});

test('periodic validation: an epoch end within half a period of the last round does not validate again; a budget stop validates the final weights', () => {
  const dir = tmp();
  const { state, model } = train({ config: config('planar', { maxSteps: 16, valEverySteps: 5 }), outDir: dir });
  const split = JSON.parse(readFileSync(join(dir, 'split.json'), 'utf8')) as { train: unknown[] };
  assert.equal(Math.ceil(split.train.length / 4), 7, '7 train batches per epoch');
  // rounds every 5 steps; epoch ends at 7 (2 steps after the round at 5: skipped) and 14 (4 after 10: validated)
  const records = readFileSync(join(dir, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"kind":"epoch"'))
    .map((l) => JSON.parse(l) as { step: number; partial: boolean });
  assert.deepEqual(
    records.map((r) => [r.step, r.partial]),
    [
      [5, true],
      [10, true],
      [14, false],
      [15, true],
      [16, true],
    ],
  );
  assert.equal(state.epoch, 2, 'both epochs are counted');
  assert.equal(state.batchInEpoch, 2);
  model.dispose();
  rmSync(dir, { recursive: true });
});
