import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainTinyRun } from '../testing/tinyRun.js';
import { loadTrainedModel } from '../run/index.js';
import { openDataset } from '../data/open.js';
import { brierScore, expectedCalibrationError, raterCoverage } from '../metrics/index.js';
import { evaluate } from './evaluate.js';
import { TorchSampler } from './torchSampler.js';
import { buildReport } from './report/buildReport.js';

test('evaluate records calibration bins and per-rater best IoUs that the report turns into its sections', () => {
  const run = trainTinyRun('probunet', 'planar', 4);
  const { model, config } = loadTrainedModel(run);
  const out = join(run, 'eval');
  const { summary, rows } = evaluate({ sampler: new TorchSampler(model), config, runDir: run, split: 'test', samples: 4, out, seed: 1, examples: 0 });
  model.dispose();
  const written = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(written.calibration, JSON.parse(JSON.stringify(summary.calibration)));
  const cal = written.calibration as {
    bins: number;
    count: number[];
    sumTarget: number[];
    sumProbability: number[];
    ece: number;
    brier: number;
    sumSquaredError: number;
  };
  // Every pixel of every test image once.
  const data = openDataset({ data: 'synthetic', synthetic: config.synthetic });
  const { height: h, width: w } = data.shape;
  assert.equal(
    cal.count.reduce((a, b) => a + b, 0),
    rows.length * h * w,
  );
  // Σ t over all pixels = Σ over images of the raters' mean mask, from the data itself.
  const split = JSON.parse(readFileSync(join(run, 'split.json'), 'utf8')) as { test: string[] };
  let target = 0;
  for (const id of split.test) {
    const item = data.get(data.ids.indexOf(id));
    let marked = 0;
    for (let k = 0; k < item.masks.length; k++) marked += item.masks[k] !== 0 ? 1 : 0;
    target += marked / item.raters;
  }
  assert.ok(Math.abs(cal.sumTarget.reduce((a, b) => a + b, 0) - target) < 1e-6, `Σ t ${cal.sumTarget.reduce((a, b) => a + b, 0)} vs ${target}`);
  assert.ok(Math.abs(cal.ece - expectedCalibrationError(cal)) < 1e-15 && Math.abs(cal.brier - brierScore(cal)) < 1e-15);
  assert.ok(cal.ece >= 0 && cal.ece <= 1 && cal.brier >= 0 && cal.brier <= 1);
  // Per-rater best IoUs: one per rater mask, in [0, 1]; the summary is their mean over all raters.
  const perImage = JSON.parse(readFileSync(join(out, 'per_image.json'), 'utf8')) as { rater_best_iou: number[] }[];
  for (const r of perImage) {
    assert.equal(r.rater_best_iou.length, 4);
    for (const v of r.rater_best_iou) assert.ok(v >= 0 && v <= 1, String(v));
  }
  const all = raterCoverage(perImage.flatMap((r) => r.rater_best_iou));
  assert.deepEqual(written.rater_coverage, { raters: all.raters, meanBestIou: all.meanBestIou, matchedShare: all.matchedShare, iou: 0.5 });
  // The CSV keeps its columns (the array is in per_image.json only).
  assert.doesNotMatch(readFileSync(join(out, 'per_image.csv'), 'utf8').split('\n')[0] as string, /rater_best_iou/);
  const md = readFileSync(buildReport([run], join(run, '..', 'report')).markdown, 'utf8');
  assert.match(md, /## Calibration and empty masks/);
  assert.match(
    md,
    new RegExp(`\\| probunet-planar \\| ${cal.ece.toFixed(4)} \\| ${cal.brier.toFixed(4)} \\| ${(rows.length * h * w).toLocaleString('en-US')} \\| 1 \\|`),
  );
  assert.match(md, /## Per-rater coverage/);
});
