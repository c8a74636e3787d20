import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from './buildReport.js';
import { writeFakeEvaluation, writeFakeRun } from './testing.js';
import { FlowsegInputError } from '../../util/errors.js';

// The 8 dyadic pairs of pairedStats.test.ts, whose paired tests scipy 1.17.1 computed:
// ttest_rel(A, B).pvalue = 0.07158180033792966, CI95 [−0.07434473070139272, 0.0040322307013927125],
// wilcoxon(A, B, method='exact').pvalue = 0.078125; mean A − B = −0.03515625.
const A = [0.5, 0.25, 0.75, 0.125, 0.625, 0.375, 0.3125, 0.4375];
const A_DIFF = [0.03125, 0.015625, -0.0078125, 0.0625, 0.078125, -0.046875, 0.09375, 0.0546875];
const B = A.map((v, i) => v + (A_DIFF[i] as number));
const IDS = A.map((_, i) => `LIDC-IDRI-0022_slice${i}`);

const rowsOf = (values: readonly number[]): Record<string, unknown>[] => values.map((v, i) => ({ id: IDS[i], ged_incl: v }));
const close = (got: unknown, want: number, what: string): void =>
  assert.ok(typeof got === 'number' && Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${what}: ${got} vs scipy ${want}`);

const SHIPPED = (name: string, variant: string) => ({ engine: 'onnx', file: `/pkg/models/${name}/model.onnx`, name, variant });

/** Two shipped models evaluated on the same 8 images: planar2 scores A, punet scores B. */
function twoShipped(): { root: string; a: string; b: string } {
  const root = mkdtempSync(join(tmpdir(), 'flowseg-report-evals-'));
  const a = writeFakeEvaluation(root, 'eA', { model: SHIPPED('lidc-nodule-planar2', 'probunet+planar2'), rows: rowsOf(A) });
  const b = writeFakeEvaluation(root, 'eB', { model: SHIPPED('lidc-nodule-punet', 'probunet'), rows: rowsOf(B) });
  return { root, a, b };
}

test('report over two evaluation folders: rows named after the shipped models, the paired table as scipy, training shown as the card', () => {
  const { root, a, b } = twoShipped();
  const res = buildReport([a, b], join(root, 'cmp'));
  assert.deepEqual([res.runs, res.evaluations], [0, 2]);
  assert.deepEqual(
    res.variants.map((v) => v.variant),
    ['lidc-nodule-planar2', 'lidc-nodule-punet'],
  );
  const json = JSON.parse(readFileSync(join(root, 'cmp', 'table.json'), 'utf8'));
  const [pair] = json.paired_tests.compared;
  assert.deepEqual([pair.a, pair.b, pair.images], ['lidc-nodule-planar2', 'lidc-nodule-punet', 8]);
  const g = pair.metrics.ged_incl;
  close(g.meanDifference, -0.03515625, 'mean A − B');
  close(g.tTestP, 0.07158180033792966, 't-test p');
  close(g.ci95[0], -0.07434473070139272, 'CI low');
  close(g.ci95[1], 0.0040322307013927125, 'CI high');
  close(g.wilcoxonP, 0.078125, 'Wilcoxon p');
  close(g.tTestPHolm, 0.07158180033792966, 'Holm over one pair');
  assert.deepEqual(json.paired_tests.metrics, ['ged_incl']);

  const md = readFileSync(res.markdown, 'utf8');
  const card = '— (shipped model: lidc-nodule-planar2, see its card)';
  assert.match(md, /from 2 evaluation folders \(models without their run\) of 2 variants/);
  assert.match(md, /## Paired tests between variants\n\n### GED \(incl\)/);
  assert.ok(
    md.includes(
      '| lidc-nodule-planar2 − lidc-nodule-punet | 8 | −0.0352 | [−0.0743, +0.0040] | 0.072 | 0.072 | 0.078 | 0.078 | lidc-nodule-planar2 (not significant) |',
    ),
    md,
  );
  // Table 1: the budget column names the model; nothing was "used"; the GED (incl) column is not bold (p = 0.072).
  assert.ok(md.includes(`| lidc-nodule-planar2 | 1 | 0.422 | ${card} | — |`), md);
  assert.ok(md.includes(`| lidc-nodule-punet | 1 | 0.457 | ${card.replace(/planar2/, 'punet')} | — |`), md);
  // The setup table (how each run was trained): the card, never "unknown", never bold.
  assert.ok(md.includes(`| lidc-nodule-planar2 | ${card} | — | — | — | — | — | — | — |`), md);
  assert.ok(md.includes('No training curves: shipped model: lidc-nodule-punet, see its card (an evaluation folder has no training log).'));
  assert.doesNotMatch(md, /unknown/);
  const figs = readdirSync(join(root, 'cmp', 'figures', 'lidc-nodule-planar2')).sort();
  assert.deepEqual(figs, ['examples', 'ged_vs_samples.png', 'prior_sigma_vs_disagreement.png']);
  const html = readFileSync(res.html, 'utf8');
  assert.match(html, /lidc-nodule-planar2 − lidc-nodule-punet/);
  assert.match(html, /No training curves: shipped model: lidc-nodule-planar2/);
});

test('evaluation folders are found by search beside per_image.json; a stray summary.json of another tool is not one', () => {
  const { root } = twoShipped();
  mkdirSync(join(root, 'nnunet', 'fold_0'), { recursive: true });
  writeFileSync(join(root, 'nnunet', 'fold_0', 'summary.json'), '{"foreground_mean": {"Dice": 0.8}}');
  const res = buildReport([root], join(root, 'cmp'));
  assert.equal(res.evaluations, 2);
  // named explicitly, it is read as an evaluation folder and fails on its own summary.json
  assert.throws(() => buildReport([join(root, 'nnunet', 'fold_0')], join(root, 'r2')), /fold_0\/summary\.json: ged_excl: Required/);
});

test('a run folder and an evaluation folder of the same variant: two rows, paired over the same images', () => {
  const root = mkdtempSync(join(tmpdir(), 'flowseg-report-mix-'));
  const run = writeFakeRun(join(root, 'exp'), {
    variant: 'probunet+planar2',
    fold: 0,
    metrics: { ged_excl: 0.3, ged_incl: 0.4, hm_iou: 0.5 },
    ids: IDS,
    perImage: (i) => ({ ged_excl: null, hm_iou: null, ged_incl: A[i] }),
  });
  // its export, evaluated as a file: no shipped name, so the export's variant, which the run has too
  const onnx = writeFakeEvaluation(root, 'eB', { model: { engine: 'onnx', file: 'm.onnx', variant: 'probunet+planar2' }, rows: rowsOf(B) });
  // `<run>/eval` named on the command line is the run itself (counted once)
  const res = buildReport([join(run, 'eval'), onnx, run], join(root, 'cmp'));
  assert.deepEqual([res.runs, res.evaluations], [1, 1]);
  assert.deepEqual(
    res.variants.map((v) => v.variant),
    ['probunet+planar2', 'probunet+planar2 (eB)'],
  );
  const json = JSON.parse(readFileSync(join(root, 'cmp', 'table.json'), 'utf8'));
  const [pair] = json.paired_tests.compared;
  assert.deepEqual([pair.a, pair.b, pair.images], ['probunet+planar2', 'probunet+planar2 (eB)', 8]);
  close(pair.metrics.ged_incl.tTestP, 0.07158180033792966, 't-test p');
  close(pair.metrics.ged_incl.wilcoxonP, 0.078125, 'Wilcoxon p');
  const md = readFileSync(res.markdown, 'utf8');
  assert.match(md, /from 1 run and 1 evaluation folder \(models without their run\) of 2 variants/);
  const origin = '— (ONNX model: m.onnx (probunet+planar2), evaluated without its run folder)';
  assert.ok(md.includes(`| probunet+planar2 (eB) | ${origin} | — | — | — | — | — | — | — |`), md);
  assert.match(md, /\| probunet\+planar2 · fold 0 \| synthetic \| unknown \| — \| — \| — \| — \| ≤ 5 epochs, ≤ 10 min \| 5 epochs, 20 steps, 1\.0 min \|/);
  assert.ok(md.includes(`- probunet+planar2 (eB): budget ${origin}`));
  assert.ok(existsSync(join(root, 'cmp', 'figures', 'probunet-planar2', 'training_curves.png')));
  assert.ok(!existsSync(join(root, 'cmp', 'figures', 'probunet-planar2-eb', 'training_curves.png')));
  assert.ok(existsSync(join(root, 'cmp', 'figures', 'probunet-planar2-eb', 'ged_vs_samples.png')));
});

test('an evaluation folder with a malformed summary.json is one FlowsegInputError naming the file, and writes nothing', () => {
  const cases: [string, RegExp][] = [
    ['{"ged_excl": {"mean": 0.3}', /eA\/summary\.json is not valid JSON .*flowseg evaluate --model/],
    ['{"ged_excl": {"mean": 0.3}, "ged_incl": {"mean": "x"}, "hm_iou": {"mean": 1}}', /eA\/summary\.json: ged_incl\.mean: Expected number, received string/],
    ['{"ged_excl": {"mean": 0.3}, "ged_incl": {"mean": 0.3}, "hm_iou": {"mean": 1}, "model": {"name": 3}}', /eA\/summary\.json: model\.name: Expected string/],
  ];
  for (const [text, message] of cases) {
    const { root, a, b } = twoShipped();
    writeFileSync(join(a, 'summary.json'), text);
    assert.throws(
      () => buildReport([a, b], join(root, 'cmp')),
      (err: Error) => {
        assert.ok(err instanceof FlowsegInputError, String(err));
        assert.match(err.message, message);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      },
    );
    assert.equal(existsSync(join(root, 'cmp')), false);
  }
});

test('the report folder may not overlap an evaluation folder', () => {
  const { a, b } = twoShipped();
  assert.throws(() => buildReport([a, b], join(a, 'report')), /--out .* overlaps the evaluation folder .*eA/);
});
