import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { buildReport } from './buildReport.js';
import { writeFakeRun } from './testing.js';
import { FlowsegInputError } from '../../util/errors.js';

/** Two variants: probunet over folds 0–2 and probunet+planar2 over folds 0–1, hand-chosen numbers. */
function experiment(): string {
  const root = mkdtempSync(join(tmpdir(), 'flowseg-report-'));
  const exp = join(root, 'exp');
  const a = [
    { ged_excl: 0.3, ged_incl: 0.38, hm_iou: 0.55, dice: 0.7 },
    { ged_excl: 0.33, ged_incl: 0.4, hm_iou: 0.57, dice: 0.7 },
    { ged_excl: 0.36, ged_incl: 0.42, hm_iou: 0.59, dice: 0.7 },
  ];
  for (const [fold, metrics] of a.entries()) writeFakeRun(exp, { variant: 'probunet', fold, metrics });
  writeFakeRun(exp, { variant: 'probunet+planar2', fold: 0, metrics: { ged_excl: 0.28, ged_incl: 0.34, hm_iou: 0.6, cll: 50 } });
  writeFakeRun(exp, { variant: 'probunet+planar2', fold: 1, metrics: { ged_excl: 0.3, ged_incl: 0.36, hm_iou: 0.62, cll: 54 } });
  return root;
}

const close = (a: number | null, b: number): void => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${a} ≠ ${b}`);

test('report: mean ± sample std over folds per variant, in JSON, CSV and Markdown', () => {
  const root = experiment();
  const out = join(root, 'report');
  const res = buildReport([join(root, 'exp')], out);
  assert.equal(res.runs, 5);
  const json = JSON.parse(readFileSync(join(out, 'table.json'), 'utf8'));
  const [pu, planar] = json.variants;
  assert.equal(pu.variant, 'probunet');
  assert.equal(pu.runs.length, 3);
  close(pu.metrics.ged_excl.mean, 0.33);
  close(pu.metrics.ged_excl.std, 0.03); // sqrt((0.03² + 0 + 0.03²) / 2)
  close(pu.metrics.ged_incl.std, 0.02);
  close(pu.metrics.dice.std, 0);
  assert.equal(pu.metrics.cll.n, 0);
  close(planar.metrics.ged_excl.mean, 0.29);
  close(planar.metrics.ged_excl.std, Math.sqrt(0.0002));
  close(planar.metrics.cll.mean, 52);
  close(planar.metrics.cll.std, Math.sqrt(8));
  assert.equal(pu.budget, '≤ 5 epochs, ≤ 10 min');
  close(pu.used.epochs.mean, 5);
  close(pu.used.minutes.mean, 1); // 20 steps × 3 s

  const md = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(md, /\| probunet \| 3 \(0, 1, 2\) \| 0\.330 ± 0\.030 \| 0\.400 ± 0\.020 \| 0\.570 ± 0\.020 \|/);
  assert.match(md, /\| probunet\+planar2 \| 2 \(0, 1\) \| \*\*0\.290 ± 0\.014\*\* \|/);
  assert.match(md, /52\.00 ± 2\.83/);
  assert.match(md, /budget ≤ 5 epochs, ≤ 10 min/);
  const csv = readFileSync(join(out, 'table.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 3);
  const header = csv[0].split(',');
  const row = csv[1].split(',');
  close(Number(row[header.indexOf('ged_excl_mean')]), 0.33);
  close(Number(row[header.indexOf('ged_excl_std')]), 0.03);
  assert.equal(row[header.indexOf('cll_mean')], '');
});

test('report: HTML is self-contained and every PNG decodes with content', () => {
  const root = experiment();
  const out = join(root, 'report');
  buildReport([join(root, 'exp')], out);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.doesNotMatch(html, /(src|href)\s*=\s*["'](?!data:)/i);
  assert.doesNotMatch(html, /<link|<script|url\(\s*['"]?(?!data:)/i);
  assert.match(html, /<img src="data:image\/png;base64,/);
  assert.match(html, /0\.330 ± 0\.030/);
  const figs = join(out, 'figures', 'probunet');
  assert.deepEqual(readdirSync(figs).sort(), ['examples', 'ged_vs_samples.png', 'prior_sigma_vs_disagreement.png', 'training_curves.png']);
  assert.deepEqual(readdirSync(join(figs, 'examples')), ['fold_0_image_000.png', 'fold_1_image_000.png', 'fold_2_image_000.png']);
  for (const [name, w, h] of [
    ['training_curves.png', 1440, 840],
    ['ged_vs_samples.png', 1440, 840],
    ['prior_sigma_vs_disagreement.png', 1280, 960],
  ] as const) {
    const png = PNG.sync.read(readFileSync(join(figs, name)));
    assert.equal(png.width, w);
    assert.equal(png.height, h);
    assert.ok(new Set(png.data).size > 10, `${name} is blank`);
  }
  assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /Pearson|prior_sigma_vs_disagreement\.png/);
});

test('report: unfinished folds found by search are skipped and noted; named ones are errors', () => {
  const root = experiment();
  const pending = writeFakeRun(join(root, 'exp'), { variant: 'probunet', fold: 3, metrics: {}, unfinished: true });
  const res = buildReport([join(root, 'exp')], join(root, 'report'));
  assert.equal(res.runs, 5);
  assert.ok(res.notes.some((n) => n.includes('fold_3') && n.includes('eval/summary.json')));
  assert.throws(() => buildReport([pending], join(root, 'r2')), /fold_3: no eval\/summary\.json/);
  assert.throws(() => buildReport([join(root, 'nowhere')], join(root, 'r3')), FlowsegInputError);
});

test('report: a mix of run folders and duplicates counts each run once', () => {
  const root = experiment();
  const one = join(root, 'exp', 'probunet', 'fold_0');
  const res = buildReport([one, join(root, 'exp'), one], join(root, 'report'));
  assert.equal(res.runs, 5);
});

test('report: corrupt or incomplete files raise FlowsegInputError naming the file, and leave no output', () => {
  const cases: [string, string, RegExp][] = [
    ['eval/summary.json', '{"ged_excl": {"mean": 0.3}', /summary\.json is not valid JSON.*flowseg evaluate/],
    ['eval/summary.json', '{"ged_excl": {"mean": 0.3}, "ged_incl": {"mean": "x"}, "hm_iou": {"mean": 1}}', /summary\.json: ged_incl\.mean: Expected number/],
    ['config.json', '{"fold": 0}', /config\.json has neither "variant" nor "model"/],
    ['log.jsonl', '{"kind":"step","step":1}\n{"kind":"epoch","epoch":1}\n', /log\.jsonl: line 1: epoch: Required/],
    ['log.jsonl', 'garbage\n{"kind":"epoch","epoch":1}\n', /log\.jsonl: line 1 is not valid JSON/],
    ['eval/ged_vs_samples.json', '[{"samples": 1}]', /ged_vs_samples\.json: 0\.ged_excl: Required/],
  ];
  for (const [file, text, message] of cases) {
    const root = experiment();
    writeFileSync(join(root, 'exp', 'probunet', 'fold_1', file), text);
    const out = join(root, 'report');
    assert.throws(
      () => buildReport([join(root, 'exp')], out),
      (err: Error) => {
        assert.ok(err instanceof FlowsegInputError, String(err));
        assert.match(err.message, message);
        return true;
      },
    );
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(root), ['exp']);
  }
});

test('report: a truncated last log line (interrupted write) is tolerated and noted', () => {
  const root = experiment();
  const log = join(root, 'exp', 'probunet', 'fold_2', 'log.jsonl');
  writeFileSync(log, `${readFileSync(log, 'utf8')}{"kind":"ep`);
  const res = buildReport([join(root, 'exp')], join(root, 'report'));
  assert.ok(res.notes.some((n) => n.includes('truncated')));
});

test("report: replaces a previous report but keeps a user's file there, refuses other folders", () => {
  const root = experiment();
  const out = join(root, 'report');
  buildReport([join(root, 'exp')], out);
  writeFileSync(join(out, 'my-notes.txt'), 'mine');
  buildReport([join(root, 'exp')], out);
  assert.equal(readFileSync(join(out, 'my-notes.txt'), 'utf8'), 'mine');
  assert.ok(existsSync(join(out, 'report.html')));
  assert.deepEqual(readdirSync(root).sort(), ['exp', 'report']);
  mkdirSync(join(root, 'foreign'));
  writeFileSync(join(root, 'foreign', 'data.csv'), '1');
  assert.throws(() => buildReport([join(root, 'exp')], join(root, 'foreign')), /exists and was not written by flowseg/);
  assert.throws(() => buildReport([join(root, 'exp')], join(root, 'exp')), /overlaps the run folder|not a flowseg report/);
  assert.throws(() => buildReport([join(root, 'exp')], join(root, 'exp', 'probunet', 'fold_0', 'r')), /overlaps/);
});

test('report: the empty-mask table shows each run\'s empty-sample share per count of empty raters, "—" where a run lacks it', () => {
  const root = mkdtempSync(join(tmpdir(), 'flowseg-report-'));
  const exp = join(root, 'exp');
  writeFakeRun(exp, {
    variant: 'probunet',
    fold: 0,
    metrics: { ged_excl: 0.3 },
    emptiness: [
      { emptyRaters: 0, raters: 4, images: 219, emptySamples: 0.429 },
      { emptyRaters: 3, raters: 4, images: 146, emptySamples: 0.692 },
    ],
  });
  writeFakeRun(exp, { variant: 'probunet+planar2', fold: 0, metrics: { ged_excl: 0.28 } }); // an older evaluation
  buildReport([exp], join(root, 'report'));
  const md = readFileSync(join(root, 'report', 'report.md'), 'utf8');
  assert.match(md, /## Empty masks: samples against raters/);
  assert.match(md, /\| Variant \| Fold \| 0 of 4 raters empty \(ideal 0%\) \| 3 of 4 raters empty \(ideal 75%\) \|/);
  assert.match(md, /\| probunet \| 0 \| 43% \(219\) \| 69% \(146\) \|/);
  assert.match(md, /\| probunet\+planar2 \| 0 \| — \| — \|/);
  assert.match(readFileSync(join(root, 'report', 'report.html'), 'utf8'), /Empty masks: samples against raters/);
  // Without the table in any run, no section.
  const bare = mkdtempSync(join(tmpdir(), 'flowseg-report-'));
  writeFakeRun(join(bare, 'exp'), { variant: 'probunet', fold: 0, metrics: { ged_excl: 0.3 } });
  buildReport([join(bare, 'exp')], join(bare, 'report'));
  assert.doesNotMatch(readFileSync(join(bare, 'report', 'report.md'), 'utf8'), /Empty masks/);
});
