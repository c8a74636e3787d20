import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { train, DEFAULT_TRAIN, type TrainConfig } from '../train/index.js';
import { loadTrainedModel } from '../run/index.js';
import { DEFAULT_MODEL_CONFIG } from '../models/config.js';
import { evaluate } from './evaluate.js';
import { TorchSampler } from './torchSampler.js';
import { liveTensors } from '../tensor/index.js';

test('evaluate writes per-image CSV/JSON, summary.json with every key, curves and examples; no tensor leaks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-eval-'));
  const config: TrainConfig = {
    ...DEFAULT_TRAIN,
    data: 'synthetic',
    variant: 'probunet+planar2',
    modelConfig: { ...DEFAULT_MODEL_CONFIG, filters: [4, 8], latent: 2, flow: 'planar', flowSteps: 2 },
    synthetic: { items: 40, size: 16, disagreement: 0.5 },
    maxSteps: 5,
    batchSize: 4,
  };
  train({ config, outDir: dir }).model.dispose();
  const { model, config: saved } = loadTrainedModel(dir);
  const before = liveTensors();
  const { summary, rows } = evaluate({
    sampler: new TorchSampler(model),
    config: saved,
    runDir: dir,
    split: 'test',
    samples: 8,
    out: join(dir, 'eval'),
    seed: 3,
    examples: 2,
  });
  assert.equal(liveTensors(), before);
  model.dispose();
  const split = JSON.parse(readFileSync(join(dir, 'split.json'), 'utf8'));
  assert.equal(rows.length, split.test.length);
  for (const k of ['ged_excl', 'ged_incl', 'hm_iou', 'iou', 'dice', 'cll', 'ncc']) assert.ok(k in summary && 'mean' in (summary[k] as object), k);
  for (const k of ['config', 'commit', 'dataset', 'samples', 'images']) assert.ok(k in summary, k);
  const files = readdirSync(join(dir, 'eval'));
  for (const f of ['summary.json', 'per_image.csv', 'per_image.json', 'ged_vs_samples.json', 'ged_vs_samples.png', 'sigma_vs_disagreement.png'])
    assert.ok(files.includes(f), f);
  assert.equal(readdirSync(join(dir, 'eval', 'examples')).length, 2);
  const curve = JSON.parse(readFileSync(join(dir, 'eval', 'ged_vs_samples.json'), 'utf8'));
  assert.deepEqual(
    curve.map((c: { samples: number }) => c.samples),
    [1, 2, 4, 8],
  );
  const csv = readFileSync(join(dir, 'eval', 'per_image.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(csv.length, rows.length + 1);
  assert.ok((csv[0] as string).endsWith(',empty_samples,empty_raters'), csv[0]);
  // The emptiness table covers every image once, and its shares are the per-image means.
  const table = summary.empty_samples_by_empty_raters as { images: number; emptySamples: number; emptyRaters: number; raters: number }[];
  assert.equal(
    table.reduce((a, g) => a + g.images, 0),
    rows.length,
  );
  for (const g of table) {
    const members = rows.filter((r) => Math.round(r.empty_raters * g.raters) === g.emptyRaters);
    assert.ok(Math.abs(g.emptySamples - members.reduce((a, r) => a + r.empty_samples, 0) / members.length) < 1e-12);
  }
  assert.ok(!existsSync(join(dir, `.eval.tmp-${process.pid}`)));
  // Same seed → same numbers, also one image at a time: image k's noise is the k-th block of one
  // seeded stream, whatever the image batch (the U-Net's sums may differ in the last bits).
  const again = loadTrainedModel(dir);
  const second = evaluate({
    sampler: new TorchSampler(again.model),
    config: again.config,
    runDir: dir,
    split: 'test',
    samples: 8,
    out: join(dir, 'eval2'),
    seed: 3,
    examples: 0,
    imageBatch: 1,
  });
  again.model.dispose();
  assert.ok(rows.length > 1);
  for (const [i, row] of rows.entries()) {
    const other = second.rows[i];
    assert.equal(other?.id, row.id);
    for (const k of ['ged_excl', 'ged_incl', 'hm_iou', 'iou', 'dice', 'cll', 'ncc', 'prior_sigma'] as const) {
      const a = row[k];
      const b = other[k];
      assert.ok(Object.is(a, b) || Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a)), `${row.id} ${k}: ${a} vs ${b} (imageBatch 1)`);
    }
  }
});
