import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomic } from '../util/outputDir.js';
import { evalFile } from '../run/paths.js';
import { METRIC_KEYS } from '../run/schemas.js';
import { renderLinePlot, renderScatter } from './render/index.js';
import type { meanStd, ImageMetrics } from './imageMetrics.js';

/** What an evaluation collected, ready to be written. */
export interface EvaluationResult {
  summary: Record<string, unknown>;
  rows: ImageMetrics[];
  /** GED over the first m samples, per m */
  gedCurve: { samples: number; ged_excl: ReturnType<typeof meanStd>; ged_incl: ReturnType<typeof meanStd> }[];
  /** (rater disagreement, prior σ) per image */
  sigmaPoints: (readonly [number, number])[];
  sigmaPearson: number;
  /** example grids, examples/00.png … */
  examples: Uint8Array[];
}

/** Writes an evaluation folder (per-image CSV/JSON, summary.json, curves, plots, examples) atomically. */
export function writeEvaluation(out: string, r: EvaluationResult, overwrite?: boolean): void {
  writeDirAtomic(
    out,
    'evaluation',
    (tmp) => {
      mkdirSync(evalFile(tmp, 'examples'), { recursive: true });
      for (const [i, png] of r.examples.entries()) writeFileSync(join(evalFile(tmp, 'examples'), `${String(i).padStart(2, '0')}.png`), png);
      writeFileSync(evalFile(tmp, 'summary'), `${JSON.stringify(r.summary, null, 2)}\n`);
      writeFileSync(evalFile(tmp, 'perImageJson'), `${JSON.stringify(r.rows)}\n`);
      const cols: (keyof ImageMetrics)[] = ['id', ...METRIC_KEYS, 'prior_sigma', 'rater_disagreement', 'empty_samples', 'empty_raters'];
      writeFileSync(
        evalFile(tmp, 'perImageCsv'),
        `${cols.join(',')}\n${r.rows.map((row) => cols.map((k) => (k === 'id' ? JSON.stringify(row.id) : String(row[k]))).join(',')).join('\n')}\n`,
      );
      writeFileSync(evalFile(tmp, 'gedVsSamplesJson'), `${JSON.stringify(r.gedCurve, null, 1)}\n`);
      writeFileSync(
        evalFile(tmp, 'gedVsSamplesPng'),
        renderLinePlot({
          title: 'GED vs number of samples',
          xLabel: 'samples',
          yLabel: 'GED',
          series: [
            { name: 'GED (excl)', points: r.gedCurve.map((g) => [g.samples, g.ged_excl.mean] as const) },
            { name: 'GED (incl)', points: r.gedCurve.map((g) => [g.samples, g.ged_incl.mean] as const) },
          ],
        }),
      );
      writeFileSync(
        evalFile(tmp, 'sigmaVsDisagreementPng'),
        renderScatter({
          title: 'Prior σ vs rater disagreement',
          xLabel: 'rater disagreement (mean 1 − IoU)',
          yLabel: 'mean prior σ',
          points: r.sigmaPoints,
          annotation: `Pearson r = ${r.sigmaPearson.toFixed(3)} (n = ${r.rows.length})`,
          trendLine: true,
        }),
      );
    },
    { overwrite },
  );
}
