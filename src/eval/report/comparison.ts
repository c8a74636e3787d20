import { renderLinePlot, type LineSeries, type Point } from '../render/linePlot.js';
import { colourOf, lossScale, type Figure } from './figures.js';
import { stepsOf, type RunRecord } from './record.js';
import { finite, mean, sampleStd } from './stats.js';

/**
 * Figures that overlay the variants: GED vs number of samples (log x, ± 1 std band) and the
 * training terms of the ELBO (CE, KL, log-det) per step.
 */

type Group = { variant: string; runs: readonly RunRecord[] };

/**
 * One series per variant: the mean GED (excl) over its runs at each sample count. The band is
 * ± 1 std over folds when a variant has several runs, else ± 1 std over its test images.
 */
function gedCurve(g: Group, i: number): LineSeries | undefined {
  const curves = g.runs.map((r) => r.gedVsSamples ?? []).filter((c) => c.length > 0);
  if (!curves.length) return undefined;
  const counts = [...new Set(curves.flatMap((c) => c.map((p) => p.samples)))].sort((a, b) => a - b);
  const points: Point[] = [];
  const band: [number, number, number][] = [];
  for (const n of counts) {
    const at = curves.map((c) => c.find((p) => p.samples === n)).filter((p) => p !== undefined);
    const means = finite(at.map((p) => p.ged_excl.mean));
    const m = mean(means);
    if (m === null) continue;
    const spread = curves.length > 1 ? sampleStd(means) : (at[0]?.ged_excl.std ?? null);
    points.push([n, m]);
    if (spread !== null) band.push([n, m - spread, m + spread]);
  }
  const folds = curves.length;
  return { name: `${g.variant} (${folds > 1 ? `${folds} folds` : '1 run'})`, points, band, colour: colourOf(i) };
}

export function gedVsSamplesComparison(groups: readonly Group[]): Omit<Figure, 'file'> | undefined {
  const series = groups.map(gedCurve).filter((s): s is LineSeries => s !== undefined);
  if (series.length === 0) return undefined;
  const title = 'GED (excl) vs number of samples · all variants';
  const png = renderLinePlot({
    title,
    xLabel: 'samples per image (log scale)',
    yLabel: 'GED (excl), mean ± 1 std',
    series,
    xScale: 'log',
  });
  return { title, png };
}

/** Moving average over `window` steps, so 1,000s of noisy per-step values read as a curve. */
export function smooth(points: readonly Point[], window: number): Point[] {
  const out: Point[] = [];
  let sum = 0;
  const q: number[] = [];
  for (const [x, y] of points) {
    if (!Number.isFinite(y)) continue;
    q.push(y);
    sum += y;
    if (q.length > window) sum -= q.shift() ?? 0;
    out.push([x, sum / q.length]);
  }
  return out;
}

const TERMS = [
  { key: 'ce', short: 'CE', label: 'CE (summed over pixels)', file: 'ce' },
  { key: 'kl', short: 'KL term', label: 'log q0(z0) − Σ log|det J| − log p(zK)', file: 'kl' },
  { key: 'logDet', short: 'flow log-det', label: 'Σ log|det J| of the flow', file: 'logdet' },
] as const;

/** One figure per ELBO term, one line per run (colour by variant), smoothed over 50 steps. */
export function trainingTermFigures(groups: readonly Group[]): { name: string; figure: Omit<Figure, 'file'> }[] {
  const out: { name: string; figure: Omit<Figure, 'file'> }[] = [];
  for (const term of TERMS) {
    const series: LineSeries[] = [];
    groups.forEach((g, i) => {
      g.runs.forEach((run, k) => {
        const raw: Point[] = stepsOf(run).map((s) => [s.step, typeof s[term.key] === 'number' ? (s[term.key] as number) : Number.NaN]);
        const points = smooth(raw, 50);
        // A run without a flow logs log-det 0 throughout: no line to show.
        const flat = term.key === 'logDet' && raw.every((p) => p[1] === 0);
        if (points.length && !flat)
          series.push({ name: `${g.variant}${g.runs.length > 1 ? ` run ${k + 1}` : ''}`, points, colour: colourOf(i), dashed: k > 0 });
      });
    });
    if (!series.length) continue;
    const title = `Training: ${term.short} · 50-step moving mean`;
    const png = renderLinePlot({
      title,
      xLabel: 'optimizer step',
      yLabel: term.label,
      series,
      yScale: lossScale(series),
    });
    out.push({ name: `training_${term.file}.png`, figure: { title, png } });
  }
  return out;
}
