import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutputDir, writeDirAtomic } from '../util/outputDir.js';
import { execFileSync } from 'node:child_process';
import { tensor, Generator, randn } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import { noGrad } from '../tensor/engine.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import type { Dataset } from '../data/types.js';
import { loadSplit, splitIndices } from '../data/splits.js';
import { gedFromPairwise, meanMap, stdMap } from '../metrics/index.js';
import { openTrainingData, makeSplit } from '../train/dataset.js';
import type { TrainConfig } from '../train/config.js';
import { renderSampleGrid, renderLinePlot, renderScatter } from './render/index.js';
import { evaluateImage, meanStd, type ImageMetrics } from './imageMetrics.js';
import { pearson } from './report/stats.js';
import { stepProgress } from '../train/progress.js';
import { packageRoot } from '../util/paths.js';
import { toMask } from '../infer/threshold.js';

export interface EvaluateOptions {
  model: SegmentationModel;
  config: TrainConfig;
  /** Run dir (its split.json is reused when evaluating on the training data). */
  runDir?: string;
  data?: string;
  split: 'test' | 'val' | 'train' | 'all';
  samples: number;
  out: string;
  seed: number;
  examples: number;
  maxImages?: number;
  progress?: boolean;
  /** Also write into a folder flowseg did not create (only its own files are replaced). */
  overwrite?: boolean;
}

const METRIC_KEYS = ['ged_excl', 'ged_incl', 'hm_iou', 'iou', 'dice', 'cll', 'ncc'] as const;

function pickIndices(dataset: Dataset, o: EvaluateOptions): number[] {
  if (o.split === 'all') return dataset.ids.map((_, i) => i);
  const sameData = o.data === undefined || o.data === o.config.data;
  const splitFile = o.runDir ? join(o.runDir, 'split.json') : undefined;
  const parts = sameData && splitFile && existsSync(splitFile) ? splitIndices(loadSplit(splitFile), dataset) : makeSplit(dataset, o.config);
  return parts[o.split];
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: packageRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/**
 * Samples every image of a split and writes per-image metrics (CSV + JSON), summary.json,
 * GED vs number of samples, prior σ vs rater disagreement, and example grids. Memory stays
 * bounded: each batch's samples are reduced to metrics before the next batch is drawn.
 */
export function evaluate(o: EvaluateOptions): { summary: Record<string, unknown>; rows: ImageMetrics[] } {
  checkOutputDir(o.out, 'evaluation', { overwrite: o.overwrite }); // before any work
  const dataset = openTrainingData({ ...o.config, data: o.data ?? o.config.data });
  let indices = pickIndices(dataset, o);
  if (o.maxImages !== undefined) indices = indices.slice(0, o.maxImages);
  const { channels: c, height: h, width: w } = dataset.shape;
  const n = o.samples;
  const L = o.model.config.latent;
  return writeDirAtomic(o.out, 'evaluation', (tmp) => {
    mkdirSync(join(tmp, 'examples'), { recursive: true });
    const gen = new Generator(o.seed);
    const counts = [1, 2, 4, 8, 16, 32, 64, 100].filter((k) => k < n).concat([n]);
    const curve = counts.map(() => ({ excl: [] as number[], incl: [] as number[] }));
    const rows: ImageMetrics[] = [];
    const bar = stepProgress('evaluate', indices.length, o.progress ?? false);
    const batchSize = Math.max(1, Math.floor(64 / Math.max(1, n / 4)));
    for (let start = 0; start < indices.length; start += batchSize) {
      const idx = indices.slice(start, start + batchSize);
      scope(() =>
        noGrad(() => {
          const items = idx.map((i) => dataset.get(i));
          const images = new Float32Array(idx.length * c * h * w);
          items.forEach((it, k) => {
            images.set(it.image, k * c * h * w);
          });
          const eps = randn([idx.length, n, L], { generator: gen });
          const s = o.model.sample(tensor(images, [idx.length, c, h, w]), n, { eps });
          const probsAll = s.probs.toFloat32Array(); // [B, n, H, W]
          const logitsAll = s.logits.contiguous().toFloat32Array();
          const sigmas = s.priorSigma.toFloat32Array(); // [B, L]
          items.forEach((item, b) => {
            const at = (arr: Float32Array, k: number): Float32Array => arr.subarray((b * n + k) * h * w, (b * n + k + 1) * h * w);
            const probs = Array.from({ length: n }, (_, k) => at(probsAll, k));
            const logits = Array.from({ length: n }, (_, k) => at(logitsAll, k));
            const masks = probs.map(toMask);
            const raters = Array.from({ length: item.raters }, (_, r) => item.masks.subarray(r * h * w, (r + 1) * h * w));
            const e = evaluateImage(item.id, masks, probs, logits, raters, sigmas.subarray(b * L, (b + 1) * L));
            rows.push(e.metrics);
            counts.forEach((m, j) => {
              curve[j]?.excl.push(gedFromPairwise(e.pairwise, { emptyPairs: 'exclude', sampleCount: m }));
              curve[j]?.incl.push(gedFromPairwise(e.pairwise, { emptyPairs: 'include', sampleCount: m }));
            });
            if (rows.length <= o.examples) {
              const png = renderSampleGrid({ image: item.image, height: h, width: w, raters, samples: masks, mean: meanMap(probs), std: stdMap(probs), title: `${item.id} — GED ${e.metrics.ged_incl.toFixed(3)}` });
              writeFileSync(join(tmp, 'examples', `${String(rows.length - 1).padStart(2, '0')}.png`), png);
            }
          });
        }),
      );
      bar.update(Math.min(indices.length, start + idx.length), { loss: rows.at(-1)?.ged_incl ?? 0, epoch: 0 });
    }
    bar.stop();
    const summary: Record<string, unknown> = {};
    for (const k of METRIC_KEYS) {
      const { mean, std } = meanStd(rows.map((r) => r[k]));
      summary[k] = { mean, std };
    }
    const points = rows.map((r) => [r.rater_disagreement, r.prior_sigma] as const);
    const r = pearson(points).r ?? Number.NaN;
    Object.assign(summary, {
      sigma_disagreement_pearson: r,
      config: o.config,
      commit: gitCommit(),
      dataset: { path: o.data ?? o.config.data, split: o.split, items: dataset.shape.items },
      samples: n,
      images: rows.length,
    });
    const gedCurve = counts.map((m, j) => ({ samples: m, ged_excl: meanStd(curve[j]?.excl ?? []), ged_incl: meanStd(curve[j]?.incl ?? []) }));
    writeFileSync(join(tmp, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    writeFileSync(join(tmp, 'per_image.json'), `${JSON.stringify(rows)}\n`);
    const cols: (keyof ImageMetrics)[] = ['id', ...METRIC_KEYS, 'prior_sigma', 'rater_disagreement'];
    writeFileSync(join(tmp, 'per_image.csv'), `${cols.join(',')}\n${rows.map((row) => cols.map((k) => (k === 'id' ? JSON.stringify(row.id) : String(row[k]))).join(',')).join('\n')}\n`);
    writeFileSync(join(tmp, 'ged_vs_samples.json'), `${JSON.stringify(gedCurve, null, 1)}\n`);
    writeFileSync(join(tmp, 'ged_vs_samples.png'), renderLinePlot({ title: 'GED vs number of samples', xLabel: 'samples', yLabel: 'GED', series: [
      { name: 'GED (excl)', points: gedCurve.map((g) => [g.samples, g.ged_excl.mean] as const) },
      { name: 'GED (incl)', points: gedCurve.map((g) => [g.samples, g.ged_incl.mean] as const) },
    ] }));
    writeFileSync(join(tmp, 'sigma_vs_disagreement.png'), renderScatter({ title: 'Prior σ vs rater disagreement', xLabel: 'rater disagreement (mean 1 − IoU)', yLabel: 'mean prior σ', points, annotation: `Pearson r = ${r.toFixed(3)} (n = ${rows.length})`, trendLine: true }));
    return { summary, rows };
  }, { overwrite: o.overwrite });
}
