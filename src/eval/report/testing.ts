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

/** A synthetic evaluation folder of a model without its run (`flowseg evaluate --model NAME --out E`). */
export interface FakeEvaluation {
  /** summary.model, e.g. `{ engine: 'onnx', file, name, variant }`; left out when absent. */
  model?: Record<string, unknown>;
  /** per_image.json rows (each with an `id`); the summary's means are their means (null where a metric has no value). */
  rows: Record<string, unknown>[];
  /** Extra summary.json keys (e.g. `config`), written over the defaults. */
  summary?: Record<string, unknown>;
}

/** Writes `<root>/<folder>/` with summary.json, per_image.json, ged_vs_samples.json and one example PNG. */
export function writeFakeEvaluation(root: string, folder: string, e: FakeEvaluation): string {
  const dir = join(root, folder);
  mkdirSync(evalFile(dir, 'examples'), { recursive: true });
  const meanOf = (k: string): number | null => {
    const v = e.rows.map((r) => r[k]).filter((x): x is number => typeof x === 'number');
    return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
  };
  const summary: Record<string, unknown> = {};
  for (const k of ['ged_excl', 'ged_incl', 'hm_iou']) summary[k] = { mean: meanOf(k), std: 0.1 };
  Object.assign(summary, {
    ...(e.model ? { model: e.model } : {}),
    commit: 'abc1234',
    dataset: { path: 'data/synthetic-eval', split: 'all', items: e.rows.length },
    samples: 16,
    seed: 0,
    images: e.rows.length,
    ...e.summary,
  });
  writeFileSync(evalFile(dir, 'summary'), JSON.stringify(summary));
  const rows = e.rows.map((r, i) => ({ prior_sigma: 0.2 + 0.03 * i, rater_disagreement: 0.1 + 0.02 * i, ...r }));
  writeFileSync(evalFile(dir, 'perImageJson'), JSON.stringify(rows));
  const curve = [1, 2, 4].map((n) => ({ samples: n, ged_excl: { mean: 0.3 + 0.4 / n, std: 0.1 }, ged_incl: { mean: 0.35 + 0.4 / n, std: 0.1 } }));
  writeFileSync(evalFile(dir, 'gedVsSamplesJson'), JSON.stringify(curve));
  writeFileSync(join(evalFile(dir, 'examples'), 'image_000.png'), encodePng(new Uint8Array(64).fill(128), 8, 8));
  return dir;
}
