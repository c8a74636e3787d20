import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../render/png.js';
import { evalFile, runEvalDir, runFile } from '../../run/paths.js';

/** Synthetic run folders in the documented format (docs/run-format.md), for tests and demos. */
export interface FakeRun {
  variant: string;
  fold: number;
  metrics: Partial<Record<'ged_excl' | 'ged_incl' | 'hm_iou' | 'iou' | 'dice' | 'cll' | 'ncc', number | null>>;
  epochs?: number;
  /** Leave out eval/ (a run still training). */
  unfinished?: boolean;
  /** summary.empty_samples_by_empty_raters (left out when absent, as in evaluations before it existed). */
  emptiness?: { emptyRaters: number; raters: number; images: number; emptySamples: number }[];
  /** Image ids of per_image.json (default `f<fold>-img<i>`, i < 20: each fold tests its own images). */
  ids?: string[];
  /** Per-image values; default: the run's metric ± a zero-mean wobble (0.01 · 1, −1, 2, −2, …). */
  perImage?: (i: number) => Record<string, unknown>;
  /** summary.calibration (left out when absent). */
  calibration?: { bins: number; count: number[]; sumProbability: number[]; sumTarget: number[]; sumSquaredError: number };
}

/** Writes `exp/<variant>/fold_<k>/` with config, log, eval files, one example PNG and a done marker. */
export function writeFakeRun(root: string, run: FakeRun): string {
  const dir = join(root, run.variant.replace(/\+/g, '_'), `fold_${run.fold}`);
  mkdirSync(dir, { recursive: true });
  const [model, flowPart] = run.variant.split('+');
  const config = {
    variant: run.variant,
    model,
    flow: flowPart ? flowPart.replace(/\d+$/, '') : null,
    flowSteps: flowPart ? Number(flowPart.replace(/\D+/g, '')) : 0,
    fold: run.fold,
    seed: 1,
    data: 'synthetic',
    budget: { maxEpochs: 5, maxSteps: null, maxMinutes: 10 },
  };
  writeFileSync(runFile(dir, 'config'), JSON.stringify(config));
  const lines: string[] = [];
  const epochs = run.epochs ?? 5;
  for (let e = 1; e <= epochs; e++) {
    for (let s = 0; s < 4; s++) {
      const step = (e - 1) * 4 + s + 1;
      lines.push(JSON.stringify({ kind: 'step', step, epoch: e, loss: 900 / step + 50, ce: 800 / step, kl: 3, logDet: 0.1, seconds: step * 3 }));
    }
    lines.push(JSON.stringify({ kind: 'epoch', epoch: e, step: e * 4, trainLoss: 800 / e + 60 + run.fold, valLoss: 820 / e + 80 + run.fold, seconds: e * 12 }));
  }
  writeFileSync(runFile(dir, 'log'), `${lines.join('\n')}\n`);
  if (run.unfinished) return dir;
  const ev = runEvalDir(dir);
  mkdirSync(evalFile(ev, 'examples'), { recursive: true });
  const summary: Record<string, unknown> = { config, commit: 'abc1234', dataset: 'synthetic', samples: 16, images: 20 };
  if (run.emptiness) summary.empty_samples_by_empty_raters = run.emptiness;
  if (run.calibration) summary.calibration = run.calibration;
  for (const k of ['ged_excl', 'ged_incl', 'hm_iou', 'iou', 'dice', 'cll', 'ncc'] as const) {
    summary[k] = { mean: run.metrics[k] ?? null, std: 0.1 };
  }
  writeFileSync(evalFile(ev, 'summary'), JSON.stringify(summary));
  const ids = run.ids ?? Array.from({ length: 20 }, (_, i) => `f${run.fold}-img${i}`);
  const wobble = (i: number): number => 0.01 * ([1, -1, 2, -2][i % 4] as number);
  const perImage = ids.map((id, i) => ({
    id,
    ...Object.fromEntries(
      (['ged_excl', 'ged_incl', 'hm_iou', 'iou', 'dice', 'cll', 'ncc'] as const).map((k) => [
        k,
        run.metrics[k] == null ? null : (run.metrics[k] as number) + wobble(i),
      ]),
    ),
    prior_sigma: 0.2 + 0.03 * i,
    rater_disagreement: 0.1 + 0.02 * i + 0.05 * Math.sin(i * 1.7 + run.fold),
    ...(run.perImage ? run.perImage(i) : {}),
  }));
  writeFileSync(evalFile(ev, 'perImageJson'), JSON.stringify(perImage));
  const curve = Array.from({ length: 16 }, (_, i) => ({
    samples: i + 1,
    ged_excl: { mean: (run.metrics.ged_excl ?? 0.3) + 0.4 / (i + 1), std: 0.1 },
    ged_incl: { mean: (run.metrics.ged_incl ?? 0.35) + 0.4 / (i + 1), std: 0.1 },
  }));
  writeFileSync(evalFile(ev, 'gedVsSamplesJson'), JSON.stringify(curve));
  const px = new Uint8Array(8 * 8).map((_, i) => (i * 4) % 256);
  writeFileSync(join(evalFile(ev, 'examples'), 'image_000.png'), encodePng(px, 8, 8));
  writeFileSync(runFile(dir, 'done'), '');
  return dir;
}
