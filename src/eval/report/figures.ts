import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SERIES_COLOURS } from '../render/colormap.js';
import { renderLinePlot, type LegendEntry, type LineSeries, type Point } from '../render/linePlot.js';
import { renderScatter } from '../render/scatter.js';
import { epochsOf, stepsOf, type RunRecord } from './record.js';
import { finite, pearson } from './stats.js';

/** One PNG of the report; `file` is relative to the report folder (POSIX separators). */
export interface Figure {
  file: string;
  title: string;
  png: Buffer;
  /** For example grids: the run folder they came from. */
  run?: string;
}

const KEY_GREY = '#555555';

const runLabel = (run: RunRecord, i: number): string => (run.fold === null ? `run ${i + 1}` : `fold ${run.fold}`);
export const colourOf = (i: number): string => SERIES_COLOURS[i % SERIES_COLOURS.length];

/** Legend: one colour per fold, then the line-style key in grey. */
function foldLegend(runs: readonly RunRecord[], solid: string, dashed: string): LegendEntry[] {
  return [
    ...runs.map((r, i) => ({ name: runLabel(r, i), colour: colourOf(i) })),
    { name: solid, colour: KEY_GREY },
    { name: dashed, colour: KEY_GREY, dashed: true },
  ];
}

/** A log axis when losses are positive and span more than ~1.5 decades (early epochs dwarf the rest). */
export function lossScale(series: readonly LineSeries[]): 'linear' | 'log' {
  const ys = finite(series.flatMap((s) => s.points.map((p) => p[1])));
  if (!ys.length || Math.min(...ys) <= 0) return 'linear';
  return Math.max(...ys) / Math.min(...ys) > 30 ? 'log' : 'linear';
}

function trainingCurves(variant: string, runs: readonly RunRecord[]): Omit<Figure, 'file'> | undefined {
  const byEpoch = runs.some((r) => epochsOf(r).length > 0);
  const series: LineSeries[] = [];
  runs.forEach((run, i) => {
    const name = runLabel(run, i);
    const colour = colourOf(i);
    if (byEpoch) {
      const train: Point[] = epochsOf(run).map((e) => [e.epoch, e.trainLoss ?? Number.NaN]);
      const val: Point[] = epochsOf(run).map((e) => [e.epoch, e.valLoss ?? Number.NaN]);
      series.push({ name: `${name} train`, points: train, colour });
      series.push({ name: `${name} val`, points: val, colour, dashed: true });
    } else if (stepsOf(run).length) {
      series.push({ name, points: stepsOf(run).map((s) => [s.step, s.loss ?? Number.NaN]), colour });
    }
  });
  if (!series.some((s) => s.points.some((p) => Number.isFinite(p[1])))) return undefined;
  const title = `Training curves · ${variant}`;
  const png = renderLinePlot({
    title,
    xLabel: byEpoch ? 'epoch' : 'step',
    yLabel: 'loss (negative ELBO)',
    series,
    yScale: lossScale(series),
    legend: byEpoch ? foldLegend(runs, 'train', 'validation') : undefined,
  });
  return { title, png };
}

function gedVsSamples(variant: string, runs: readonly RunRecord[]): Omit<Figure, 'file'> | undefined {
  const series: LineSeries[] = [];
  runs.forEach((run, i) => {
    if (!run.gedVsSamples?.length) return;
    const rows = [...run.gedVsSamples].sort((a, b) => a.samples - b.samples);
    const colour = colourOf(i);
    series.push({ name: 'excl', points: rows.map((g) => [g.samples, g.ged_excl.mean ?? Number.NaN]), colour });
    series.push({ name: 'incl', points: rows.map((g) => [g.samples, g.ged_incl.mean ?? Number.NaN]), colour, dashed: true });
  });
  if (!series.length) return undefined;
  const title = `GED vs number of samples · ${variant}`;
  const shown = runs.filter((r) => r.gedVsSamples?.length);
  const legend = foldLegend(shown, 'GED (excl)', 'GED (incl)');
  legend.forEach((e, j) => {
    if (j < shown.length) e.colour = colourOf(runs.indexOf(shown[j]));
  });
  const png = renderLinePlot({ title, xLabel: 'samples per image', yLabel: 'GED (mean over test images)', series, legend });
  return { title, png };
}

function priorSigma(variant: string, runs: readonly RunRecord[]): Omit<Figure, 'file'> | undefined {
  const points: Point[] = runs.flatMap((run) =>
    // Same axes as `flowseg evaluate`'s figure: disagreement across, the model's σ up.
    (run.perImage ?? []).map((p): Point => [p.rater_disagreement ?? Number.NaN, p.prior_sigma ?? Number.NaN]),
  );
  const { r, n } = pearson(points);
  if (n < 2) return undefined;
  const title = `Prior σ vs rater disagreement · ${variant}`;
  const folds = runs.filter((x) => x.perImage?.length).length;
  const annotation = `Pearson r = ${r === null ? 'undefined' : r.toFixed(3)} (n = ${n} images, ${folds} fold${folds === 1 ? '' : 's'})`;
  const png = renderScatter({
    title,
    xLabel: 'rater disagreement (mean 1 − IoU)',
    yLabel: 'mean prior σ',
    points,
    annotation,
    trendLine: true,
  });
  return { title, png };
}

/** The report's figures for one variant: curves, GED vs samples, prior σ scatter. */
export function variantFigures(variant: string, slug: string, runs: readonly RunRecord[]): Figure[] {
  const out: Figure[] = [];
  const add = (name: string, f: Omit<Figure, 'file'> | undefined): void => {
    if (f) out.push({ ...f, file: `figures/${slug}/${name}` });
  };
  add('training_curves.png', trainingCurves(variant, runs));
  add('ged_vs_samples.png', gedVsSamples(variant, runs));
  add('prior_sigma_vs_disagreement.png', priorSigma(variant, runs));
  return out;
}

/** Copies of each run's example grids (rendered by `flowseg evaluate`). */
export function exampleFigures(variant: string, slug: string, runs: readonly RunRecord[]): Figure[] {
  return runs.flatMap((run, i) =>
    run.examples.map((path) => {
      const label = run.fold === null ? `run${i + 1}` : `fold_${run.fold}`;
      return {
        file: `figures/${slug}/examples/${label}_${basename(path)}`,
        title: `${variant} · ${runLabel(run, i)} · ${basename(path, '.png')}`,
        png: readFileSync(path),
        run: run.dir,
      };
    }),
  );
}

/** A file-name-safe, unique slug per variant (`probunet+planar2` → `probunet-planar2`). */
export function slugs(variants: readonly string[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const v of variants) {
    const base =
      v
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'variant';
    let s = base;
    for (let k = 2; used.has(s); k++) s = `${base}-${k}`;
    used.add(s);
    out.set(v, s);
  }
  return out;
}
