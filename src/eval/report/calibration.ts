import { brierScore, expectedCalibrationError, mergeCalibrationBins, reliabilityCurve, type CalibrationBins } from '../../metrics/calibration.js';
import { renderLinePlot, type LineSeries } from '../render/linePlot.js';
import { colourOf, type Figure } from './figures.js';
import type { RunRecord } from './record.js';
import type { TextTable } from './tables.js';

/**
 * The report's calibration section: per variant, the pixel reliability bins of all its runs
 * summed (each fold's test images once), the expected calibration error and the Brier score
 * against the raters' soft mask, and one reliability diagram with every variant.
 */

type Group = { variant: string; runs: readonly RunRecord[] };

export interface VariantCalibration {
  variant: string;
  /** Summed bins of the runs that have them. */
  bins: CalibrationBins;
  ece: number;
  brier: number;
  /** Runs with calibration bins, of all the variant's runs. */
  runs: number;
  of: number;
}

/** Variants with at least one run that recorded calibration bins (evaluations before issue 28 did not). */
export function variantCalibrations(groups: readonly Group[]): VariantCalibration[] {
  const out: VariantCalibration[] = [];
  for (const g of groups) {
    const withBins = g.runs.map((r) => r.calibration).filter((c) => c !== undefined);
    // Folds evaluated with other bin counts cannot be summed; the first run's count decides.
    const same = withBins.filter((c) => c.bins === withBins[0]?.bins);
    if (same.length === 0) continue;
    const bins = same.map((c): CalibrationBins => ({ ...c })).reduce(mergeCalibrationBins);
    out.push({ variant: g.variant, bins, ece: expectedCalibrationError(bins), brier: brierScore(bins), runs: same.length, of: g.runs.length });
  }
  return out;
}

const fixed = (v: number, d: number): string => (Number.isFinite(v) ? v.toFixed(d) : '—');

/** Variant | ECE | Brier | pixels | runs; the lowest ECE and Brier in bold (descriptive: no test). */
export function calibrationTable(cal: readonly VariantCalibration[]): TextTable {
  const header = ['Variant', 'ECE ↓', 'Brier ↓', 'Pixels', 'Runs'];
  const low = (f: (c: VariantCalibration) => number): number => Math.min(...cal.map(f).filter(Number.isFinite));
  const bestEce = cal.length > 1 ? low((c) => c.ece) : Number.NaN;
  const bestBrier = cal.length > 1 ? low((c) => c.brier) : Number.NaN;
  const rows = cal.map((c) => [
    c.variant,
    fixed(c.ece, 4),
    fixed(c.brier, 4),
    c.bins.count.reduce((s, n) => s + n, 0).toLocaleString('en-US'),
    c.runs === c.of ? String(c.runs) : `${c.runs} of ${c.of}`,
  ]);
  const best = cal.map((c) => [false, c.ece === bestEce, c.brier === bestBrier, false, false]);
  return { header, rows, best };
}

export const CALIBRATION_NOTE =
  'Pixel calibration of the sample-mean foreground probability p̄ (the mean of the n samples’ sigmoid maps) against the raters’ soft mask t ' +
  '(the share of raters who marked the pixel), over every pixel of every test image. Reliability diagram: p̄ in 10 equal-width bins; per bin, ' +
  'the mean p̄ (x) against the mean t (y); the diagonal is perfect calibration. ECE = Σₖ (nₖ / N) |mean p̄ₖ − mean tₖ|; Brier = mean (p̄ − t)². ' +
  'Background pixels dominate both (most pixels sit in the lowest bin).';

/** One reliability diagram: a line per variant through its bins' (mean p̄, mean t), and the diagonal. */
export function reliabilityFigure(cal: readonly VariantCalibration[], variantIndex: (variant: string) => number): Omit<Figure, 'file'> | undefined {
  if (cal.length === 0) return undefined;
  const series: LineSeries[] = cal.map((c) => ({
    name: `${c.variant} (ECE ${fixed(c.ece, 3)})`,
    points: reliabilityCurve(c.bins).map((b) => [b.probability, b.target] as const),
    colour: colourOf(variantIndex(c.variant)),
  }));
  series.push({
    name: 'calibrated',
    points: [
      [0, 0],
      [1, 1],
    ],
    colour: '#888888',
    dashed: true,
  });
  const title = 'Reliability diagram · all variants';
  const png = renderLinePlot({
    title,
    xLabel: 'sample-mean foreground probability p̄ (bin mean)',
    yLabel: 'raters’ mean mask t (bin mean)',
    series,
    height: 480,
  });
  return { title, png };
}
