import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutputDir, writeDirAtomic } from '../util/outputDir.js';
import { execFileSync } from 'node:child_process';
import { tensor, Generator, randn } from '../tensor/create.js';
import { scope } from '../tensor/scope.js';
import { noGrad, releaseFreeMemory } from '../tensor/engine.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import type { Dataset } from '../data/types.js';
import { splitDataset, splitIndices } from '../data/splits.js';
import { openDataset } from '../data/open.js';
import { evalFile, loadRunSplit, METRIC_KEYS, type TrainConfig } from '../run/index.js';
import { FlowsegInputError } from '../util/errors.js';
import { gedFromPairwise, meanMap, stdMap } from '../metrics/index.js';
import { renderSampleGrid, renderLinePlot, renderScatter } from './render/index.js';
import { emptySamplesByEmptyRaters, evaluateImage, meanStd, type ImageMetrics, type SampleReductions } from './imageMetrics.js';
import { batchReductions } from './batchReductions.js';
import { pearson } from './report/stats.js';
import { countProgress } from '../util/progress.js';
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
  /**
   * Images sampled together (default {@link defaultImageBatch}). Speed and memory only when
   * samples × latent is a multiple of 16: libtorch draws normals in blocks of 16, so otherwise each
   * image gets different (equally distributed) noise at another image batch.
   */
  imageBatch?: number;
}

/** Images per batch in evaluate: at most 64 sample maps in memory at once. */
export function defaultImageBatch(samples: number): number {
  return Math.max(1, Math.floor(64 / Math.max(1, samples / 4)));
}

function pickIndices(dataset: Dataset, o: EvaluateOptions): number[] {
  if (o.split === 'all') return dataset.ids.map((_, i) => i);
  const sameData = o.data === undefined || o.data === o.config.data;
  const saved = sameData && o.runDir ? loadRunSplit(o.runDir) : null;
  const parts = saved ? splitIndices(saved, dataset) : splitDataset(dataset, o.config);
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
  const dataset = openDataset({ ...o.config, data: o.data ?? o.config.data });
  let indices = pickIndices(dataset, o);
  if (o.maxImages !== undefined) indices = indices.slice(0, o.maxImages);
  const { channels: c, height: h, width: w } = dataset.shape;
  const where = o.data ?? o.config.data;
  if (indices.length === 0) {
    throw new FlowsegInputError(
      `--split ${o.split}: the ${o.split} part of ${where} has no images (${dataset.shape.patients} patients in all); evaluate another --split or use a dataset with more patients`,
    );
  }
  if (c !== o.model.config.inChannels) {
    throw new FlowsegInputError(
      `--data ${where}: images have ${c} channel(s) but the model was trained on ${o.model.config.inChannels}; evaluate on data of the kind it was trained on`,
    );
  }
  const n = o.samples;
  const L = o.model.config.latent;
  return writeDirAtomic(
    o.out,
    'evaluation',
    (tmp) => {
      mkdirSync(evalFile(tmp, 'examples'), { recursive: true });
      const gen = new Generator(o.seed);
      const counts = [1, 2, 4, 8, 16, 32, 64, 100].filter((k) => k < n).concat([n]);
      const curve = counts.map(() => ({ excl: [] as number[], incl: [] as number[] }));
      const rows: ImageMetrics[] = [];
      const raterCounts: number[] = [];
      const bar = countProgress({ label: 'evaluate', total: indices.length, unit: 'images', enabled: o.progress ?? false });
      const batchSize = o.imageBatch ?? defaultImageBatch(n);
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`evaluate: imageBatch must be a positive integer, got ${batchSize}`);
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
            const sigmas = s.priorSigma.toFloat32Array(); // [B, L]
            const ratersOf = items.map((item) => Array.from({ length: item.raters }, (_, r) => item.masks.subarray(r * h * w, (r + 1) * h * w)));
            const reductions = batchReductions(s.logits, s.probs, ratersOf);
            items.forEach((item, b) => {
              const probs = Array.from({ length: n }, (_, k) => probsAll.subarray((b * n + k) * h * w, (b * n + k + 1) * h * w));
              const masks = probs.map(toMask);
              const raters = ratersOf[b] as Uint8Array[];
              const e = evaluateImage(item.id, masks, raters, sigmas.subarray(b * L, (b + 1) * L), reductions[b] as SampleReductions);
              rows.push(e.metrics);
              raterCounts.push(raters.length);
              counts.forEach((m, j) => {
                curve[j]?.excl.push(gedFromPairwise(e.pairwise, { emptyPairs: 'exclude', sampleCount: m }));
                curve[j]?.incl.push(gedFromPairwise(e.pairwise, { emptyPairs: 'include', sampleCount: m }));
              });
              if (rows.length <= o.examples) {
                const png = renderSampleGrid({
                  image: item.image,
                  height: h,
                  width: w,
                  raters,
                  samples: masks,
                  mean: meanMap(probs),
                  std: stdMap(probs),
                  title: `${item.id} — GED (incl) ${e.metrics.ged_incl.toFixed(3)}, GED (excl) ${Number.isFinite(e.metrics.ged_excl) ? e.metrics.ged_excl.toFixed(3) : 'n/a'}`,
                });
                writeFileSync(join(evalFile(tmp, 'examples'), `${String(rows.length - 1).padStart(2, '0')}.png`), png);
              }
            });
          }),
        );
        releaseFreeMemory();
        bar.update(Math.min(indices.length, start + idx.length), `GED (incl) so far ${meanStd(rows.map((r) => r.ged_incl)).mean.toFixed(3)}`);
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
        empty_samples_by_empty_raters: emptySamplesByEmptyRaters(rows, raterCounts),
        config: o.config,
        commit: gitCommit(),
        dataset: { path: o.data ?? o.config.data, split: o.split, items: dataset.shape.items },
        samples: n,
        images: rows.length,
      });
      const gedCurve = counts.map((m, j) => ({ samples: m, ged_excl: meanStd(curve[j]?.excl ?? []), ged_incl: meanStd(curve[j]?.incl ?? []) }));
      writeFileSync(evalFile(tmp, 'summary'), `${JSON.stringify(summary, null, 2)}\n`);
      writeFileSync(evalFile(tmp, 'perImageJson'), `${JSON.stringify(rows)}\n`);
      const cols: (keyof ImageMetrics)[] = ['id', ...METRIC_KEYS, 'prior_sigma', 'rater_disagreement', 'empty_samples', 'empty_raters'];
      writeFileSync(
        evalFile(tmp, 'perImageCsv'),
        `${cols.join(',')}\n${rows.map((row) => cols.map((k) => (k === 'id' ? JSON.stringify(row.id) : String(row[k]))).join(',')).join('\n')}\n`,
      );
      writeFileSync(evalFile(tmp, 'gedVsSamplesJson'), `${JSON.stringify(gedCurve, null, 1)}\n`);
      writeFileSync(
        evalFile(tmp, 'gedVsSamplesPng'),
        renderLinePlot({
          title: 'GED vs number of samples',
          xLabel: 'samples',
          yLabel: 'GED',
          series: [
            { name: 'GED (excl)', points: gedCurve.map((g) => [g.samples, g.ged_excl.mean] as const) },
            { name: 'GED (incl)', points: gedCurve.map((g) => [g.samples, g.ged_incl.mean] as const) },
          ],
        }),
      );
      writeFileSync(
        evalFile(tmp, 'sigmaVsDisagreementPng'),
        renderScatter({
          title: 'Prior σ vs rater disagreement',
          xLabel: 'rater disagreement (mean 1 − IoU)',
          yLabel: 'mean prior σ',
          points,
          annotation: `Pearson r = ${r.toFixed(3)} (n = ${rows.length})`,
          trendLine: true,
        }),
      );
      return { summary, rows };
    },
    { overwrite: o.overwrite },
  );
}
