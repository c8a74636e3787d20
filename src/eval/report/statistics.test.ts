import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { buildReport } from './buildReport.js';
import { writeFakeRun } from './testing.js';

const IDS = Array.from({ length: 20 }, (_, i) => `img${i}`);
const wobble = (i: number): number => 0.01 * ([1, -1, 2, -2][i % 4] as number); // mean 0 over every 4 images

/**
 * probunet and probunet+planar2 on the same 20 images: planar's GED (incl) is 0.05 lower on
 * every image up to a wobble (significant); HM-IoU differs only by a zero-mean wobble (not).
 * probunet's evaluation has calibration bins and per-rater best IoUs; planar's is older (neither).
 */
function experiment(): string {
  const root = mkdtempSync(join(tmpdir(), 'flowseg-report-stats-'));
  const exp = join(root, 'exp');
  writeFakeRun(exp, {
    variant: 'probunet',
    fold: 0,
    metrics: { ged_excl: 0.3, ged_incl: 0.4, hm_iou: 0.5 },
    ids: IDS,
    perImage: (i) => ({
      ged_incl: 0.4 + wobble(i),
      hm_iou: 0.5 + wobble(i),
      // images 0–9: one of 4 raters empty (3 drew); 10–19: all 4 drew
      rater_best_iou: i < 10 ? [1, 0.4, 0.6, 0] : [0.8, 0.8, 0.2, 0.2],
      empty_raters: i < 10 ? 0.25 : 0,
    }),
    // 10 pixels: 8 at p̄ 0.05 with t = 0, 2 at p̄ 0.95 with t = 1
    calibration: {
      bins: 10,
      count: [8, 0, 0, 0, 0, 0, 0, 0, 0, 2],
      sumProbability: [0.4, 0, 0, 0, 0, 0, 0, 0, 0, 1.9],
      sumTarget: [0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
      sumSquaredError: 0.3,
    },
  });
  writeFakeRun(exp, {
    variant: 'probunet+planar2',
    fold: 0,
    metrics: { ged_excl: 0.3, ged_incl: 0.35, hm_iou: 0.5 },
    ids: IDS,
    perImage: (i) => ({ ged_incl: 0.35 + wobble(i + 1), hm_iou: 0.5 + wobble(i + 2) }),
  });
  return root;
}

test('report: paired tests per metric; Table 1 bolds only the significantly best value, and says how', () => {
  const root = experiment();
  const res = buildReport([join(root, 'exp')], join(root, 'report'));
  const md = readFileSync(res.markdown, 'utf8');
  // Table 1: planar's GED (incl) bold (significant); HM-IoU tied in mean and not significant: nothing bold
  assert.match(md, /\| probunet\+planar2 \| 1 \(0\) \| 0\.300 \| \*\*0\.350\*\* \| 0\.500 \|/);
  assert.match(md, /\| probunet \| 1 \(0\) \| 0\.300 \| 0\.400 \| 0\.500 \|/);
  assert.match(md, /Bold in GED \(incl\): the best mean where a paired t-test over the test images, Holm-corrected/);
  assert.match(md, /## Paired tests between variants/);
  assert.match(md, /### GED \(incl\)\n\n\| Variants A − B \| Images \| Mean A − B \| 95% CI \| t-test p \| Holm \| Wilcoxon p \| Holm \| Better \(lower\) \|/);
  // differences 0.05 + wobble(i) − wobble(i + 1): mean 0.05 exactly (both wobbles average 0)
  assert.match(
    md,
    /\| probunet − probunet\+planar2 \| 20 \| \+0\.0500 \| \[\+0\.\d{4}, \+0\.\d{4}\] \| [\d.e-]+ \| \*\*[\d.e-]+\*\* \| [\d.e-]+ \| [\d.e-]+ \| \*\*probunet\+planar2 \(significant\)\*\* \|/,
  );
  assert.match(md, /### HM-IoU\n[^#]*\| probunet − probunet\+planar2 \| 20 \| 0\.0000 \|[^\n]*\| — \(not significant\) \|/);
  const json = JSON.parse(readFileSync(join(root, 'report', 'table.json'), 'utf8'));
  const g = json.paired_tests.compared[0].metrics.ged_incl;
  assert.ok(Math.abs(g.meanDifference - 0.05) < 1e-12);
  assert.ok(g.tTestPHolm < 1e-6 && g.wilcoxonPHolm < 0.001, JSON.stringify(g));
  assert.match(readFileSync(res.html, 'utf8'), /<h2>Paired tests between variants<\/h2>/);
});

test('report: calibration (ECE, Brier, reliability diagram) beside the empty-mask table; runs without bins are "not available"', () => {
  const root = experiment();
  const res = buildReport([join(root, 'exp')], join(root, 'report'));
  const md = readFileSync(res.markdown, 'utf8');
  assert.match(md, /## Calibration and empty masks/);
  // ECE = (|0.4 − 0| + |1.9 − 2|) / 10 = 0.05; Brier = 0.3 / 10
  assert.match(md, /\| probunet \| 0\.0500 \| 0\.0300 \| 10 \| 1 \|/);
  assert.doesNotMatch(md, /\| probunet\+planar2 \| 0\.0/);
  assert.match(md, /!\[Reliability diagram · all variants\]\(figures\/compare\/reliability\.png\)/);
  const png = PNG.sync.read(readFileSync(join(root, 'report', 'figures', 'compare', 'reliability.png')));
  assert.ok(png.width > 0 && new Set(png.data).size > 10);
  const json = JSON.parse(readFileSync(join(root, 'report', 'table.json'), 'utf8'));
  assert.deepEqual(
    json.calibration.map((c: { variant: string; ece: number; brier: number }) => [c.variant, c.ece.toFixed(6), c.brier.toFixed(6)]),
    [['probunet', '0.050000', '0.030000']],
  );
  assert.match(readFileSync(res.html, 'utf8'), /<div class="side">/);
});

test('report: per-rater coverage per rater index and per number of raters who drew', () => {
  const root = experiment();
  const md = readFileSync(buildReport([join(root, 'exp')], join(root, 'report')).markdown, 'utf8');
  assert.match(md, /## Per-rater coverage/);
  // rater 1: (10·1 + 10·0.8) / 20 = 0.90, all ≥ 0.5; rater 2: 0.60, half; rater 3: 0.40, half; rater 4: 0.10, none; all: 0.50 · 50%
  assert.match(md, /\| Variant \| Images \| All raters \| Rater 1 \| Rater 2 \| Rater 3 \| Rater 4 \|/);
  assert.match(md, /\| probunet \| 20 \| 0\.50 · 50% \| 0\.90 · 100% \| 0\.60 · 50% \| 0\.40 · 50% \| 0\.10 · 0% \|/);
  // 3 of 4 drew (images 0–9): (1 + 0.4 + 0.6 + 0) / 4 = 0.50, 2 of 4 matched; 4 of 4 drew: (0.8 + 0.8 + 0.2 + 0.2) / 4 = 0.50, 2 of 4
  assert.match(md, /\| Variant \| 3 of 4 raters drew \| 4 of 4 raters drew \|/);
  assert.match(md, /\| probunet \| 0\.50 · 50% \(10\) \| 0\.50 · 50% \(10\) \|/);
  assert.doesNotMatch(md, /\| probunet\+planar2 \| 20 \| 0\./); // an older evaluation: no row
});

test('report: variants on different test images are not tested; the bold falls back to the best mean and the notes say why', () => {
  const root = mkdtempSync(join(tmpdir(), 'flowseg-report-stats-'));
  writeFakeRun(join(root, 'exp'), { variant: 'a', fold: 0, metrics: { ged_excl: 0.3, ged_incl: 0.4, hm_iou: 0.5 } });
  writeFakeRun(join(root, 'exp'), { variant: 'b', fold: 1, metrics: { ged_excl: 0.2, ged_incl: 0.4, hm_iou: 0.5 } });
  const res = buildReport([join(root, 'exp')], join(root, 'report'));
  assert.ok(res.notes.includes('paired tests: a and b not compared, evaluated on different test images (20 and 20, 0 in common)'), res.notes.join('\n'));
  const md = readFileSync(res.markdown, 'utf8');
  assert.match(md, /\| b \| 1 \(1\) \| \*\*0\.200\*\* \|/);
  assert.match(md, /Bold in GED \(excl\): the best mean \(no paired test possible/);
  assert.match(md, /- a and b: not compared, evaluated on different test images/);
  assert.doesNotMatch(md, /## Calibration|## Per-rater coverage/); // older evaluations: sections left out
});
