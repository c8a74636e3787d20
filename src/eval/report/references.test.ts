import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregate } from './aggregate.js';
import { buildReport } from './buildReport.js';
import { readRun } from './readRun.js';
import { detectReference, PAPER_REFERENCES } from './references.js';
import { PAPER_MARK, resultsTable, setupTable } from './tables.js';
import { writeFakeRun } from './testing.js';

test('references: the paper table is picked from the dataset name, and only when one fits', () => {
  assert.equal(detectReference(['/data/lidc-prepared']), 'lidc');
  assert.equal(detectReference(['kvasir-128 (test split)']), 'kvasir');
  assert.equal(detectReference(['/x/DRIVE-patches']), 'retina');
  assert.equal(detectReference(['synthetic']), null);
  assert.equal(detectReference(['lidc', 'kvasir']), null);
});

test('references: paper rows follow ours, marked, 2 decimals as published, never bold', () => {
  const root = mkdtempSync(join(tmpdir(), 'fs-ref-'));
  writeFakeRun(root, { variant: 'probunet', fold: 0, metrics: { ged_excl: 0.2, ged_incl: 0.3, hm_iou: 0.6 } });
  writeFakeRun(root, { variant: 'probunet+planar2', fold: 0, metrics: { ged_excl: 0.25, ged_incl: 0.28, hm_iou: 0.62 } });
  const rows = aggregate([readRun(join(root, 'probunet', 'fold_0')), readRun(join(root, 'probunet_planar2', 'fold_0'))]);
  const t = resultsTable(rows, PAPER_REFERENCES.lidc.rows);
  // 5 Valiuddin rows + 3 Selvan GED rows; Selvan's Det. U-Net reports only Dice, not shown here.
  assert.equal(t.rows.length, 2 + 8);
  assert.ok(!t.rows.some((r) => r[0].includes('Det. U-Net')));
  const planarPaper = t.rows.find((r) => r[0] === `${PAPER_MARK} Valiuddin 2021 · 2-planar`);
  assert.ok(planarPaper);
  assert.deepEqual(planarPaper.slice(2, 5), ['0.29 ± 0.02', '0.35 ± 0.03', '0.57 ± 0.01']);
  // Our best GED (excl) 0.200 is bold; no paper cell is, even where a paper number is better.
  assert.equal(t.best[0][2], true);
  assert.ok(t.best.slice(2).every((r) => r.every((b) => !b)));
  // Selvan's rows show — in the columns they did not report.
  const pu = t.rows.find((r) => r[0].includes('Selvan 2020 · Prob. U-Net'));
  assert.deepEqual(pu?.slice(2, 5), ['—', '0.28', '—']);
});

test('references: the setup table lists each run against the protocol, bold where a setting differs', () => {
  const root = mkdtempSync(join(tmpdir(), 'fs-ref-'));
  const dir = writeFakeRun(root, { variant: 'probunet', fold: 3, metrics: { ged_excl: 0.2, ged_incl: 0.3, hm_iou: 0.6 } });
  const run = readRun(dir);
  Object.assign(run.config, {
    lr: 1e-4,
    batchSize: 8,
    modelConfig: { model: 'probunet', flow: 'none', flowSteps: 0, filters: [32, 64, 128, 192] },
    split: { kind: 'kfold', fold: 3, folds: 10 },
    valFraction: 0.1,
    profile: 'cpu',
  });
  run.splitSizes = { train: 1476, val: 161, test: 550 };
  const t = setupTable(aggregate([run]), PAPER_REFERENCES.lidc.protocol);
  const [ours, paper] = t.rows;
  assert.equal(ours[0], 'probunet · fold 3 (profile cpu)');
  assert.equal(ours[1], 'synthetic (1,476 / 161 / 550)');
  assert.equal(ours[2], 'fold 3 of 10 by patient (10% of train validates)');
  assert.equal(ours[6], '—');
  assert.equal(ours[8], '5 epochs, 20 steps, 1.0 min');
  assert.equal(paper[0], `${PAPER_MARK} Valiuddin et al. 2021`);
  // split kind (10-fold), lr and width match the paper; the batch does not.
  assert.deepEqual(t.best[0].slice(2, 6), [false, false, true, false]);
  // A schedule or a gradient clip the paper does not use is named, and bold.
  Object.assign(run.config, { lrSchedule: 'cosine', warmupSteps: 50, gradClip: 'auto' });
  const t2 = setupTable(aggregate([run]), PAPER_REFERENCES.lidc.protocol);
  assert.equal(t2.rows[0]?.[3], '0.0001 cosine, warm-up 50, grad clip auto');
  assert.equal(t2.best[0]?.[3], true);
  Object.assign(run.config, { lrSchedule: 'constant', gradClip: 500 });
  assert.equal(setupTable(aggregate([run])).rows[0]?.[3], '0.0001, grad clip 500');
  Object.assign(run.config, { priorLrScale: 5 });
  assert.equal(setupTable(aggregate([run])).rows[0]?.[3], '0.0001, prior net ×5, grad clip 500');
  Object.assign(run.config, { priorLrScale: 1 });
  // Flips and the output-bias init are named in "Other", and bold.
  Object.assign(run.config, { augment: true, outputBiasInit: 'foreground' });
  const t3 = setupTable(aggregate([run]), PAPER_REFERENCES.lidc.protocol);
  assert.equal(t3.rows[0]?.[6], 'random flips, output bias at logit(foreground rate)');
  assert.equal(t3.best[0]?.[6], true);
  assert.equal(t3.rows[1]?.[6], '—');
});

test('references: report --reference lidc prints the rows, the protocol and the compare figures; none prints neither', () => {
  const root = mkdtempSync(join(tmpdir(), 'fs-ref-'));
  writeFakeRun(join(root, 'exp'), { variant: 'probunet', fold: 0, metrics: { ged_excl: 0.2, ged_incl: 0.3, hm_iou: 0.6 } });
  writeFakeRun(join(root, 'exp'), { variant: 'probunet+planar2', fold: 0, metrics: { ged_excl: 0.25, ged_incl: 0.28, hm_iou: 0.62 } });
  const a = buildReport([join(root, 'exp')], join(root, 'a'), new Date(), { reference: 'lidc' });
  const md = readFileSync(a.markdown, 'utf8');
  assert.match(md, /📄 paper: Valiuddin 2021 · 2-radial \| \(reported\) \| 0\.29 ± 0\.01/);
  assert.match(md, /## How each run was trained, next to Valiuddin et al\. 2021/);
  for (const f of ['ged_vs_samples', 'training_ce', 'training_kl', 'training_logdet']) assert.match(md, new RegExp(`figures/compare/${f}\\.png`));
  const json = JSON.parse(readFileSync(join(root, 'a', 'table.json'), 'utf8'));
  assert.equal(json.reference.name, 'lidc');
  const b = buildReport([join(root, 'exp')], join(root, 'b'), new Date(), { reference: 'none' });
  const mdB = readFileSync(b.markdown, 'utf8');
  assert.doesNotMatch(mdB, /📄/);
  assert.match(mdB, /## How each run was trained\n/);
  // auto on synthetic data: no paper fits
  const c = buildReport([join(root, 'exp')], join(root, 'c'));
  assert.doesNotMatch(readFileSync(c.markdown, 'utf8'), /📄/);
});
