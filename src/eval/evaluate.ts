import { execFileSync } from 'node:child_process';
import { checkOutputDir } from '../util/outputDir.js';
import type { Dataset, DataItem } from '../data/types.js';
import { splitDataset, splitIndices } from '../data/splits.js';
import { openDataset } from '../data/open.js';
import { SYNTHETIC_DEFAULTS } from '../data/synthetic.js';
import { loadRunSplit } from '../run/split.js';
import { METRIC_KEYS } from '../run/schemas.js';
import type { TrainConfig } from '../run/config.js';
import { FlowsegInputError } from '../util/errors.js';
import { gedFromPairwise, meanMap, stdMap } from '../metrics/index.js';
import { renderSampleGrid } from './render/index.js';
import { emptySamplesByEmptyRaters, evaluateImage, meanStd, raterCoverageSummary, type ImageMetrics, type SampleReductions } from './imageMetrics.js';
import { CalibrationAccumulator } from './calibrationAccumulator.js';
import { reductionsOf } from './reductions.js';
import { writeEvaluation, type EvaluationResult } from './evaluationFiles.js';
import { pearson } from './report/stats.js';
import { countProgress, type CountProgress } from '../util/progress.js';
import { packageRoot } from '../util/paths.js';
import { toMask } from '../infer/threshold.js';
import { PriorNoiseStream } from '../infer/noise.js';
import type { BatchSampler, BatchShape, SampleBatch } from '../infer/sampler.js';

// No import here loads an engine: the libtorch sampler (torchSampler.ts) and the onnxruntime one
// (export/onnxSampler.ts) come in through `sampler`, so `evaluate --engine onnx` never loads libtorch.

export interface EvaluateOptions<S extends BatchSampler = BatchSampler> {
  sampler: S;
  /** The run's config (its data, split and synthetic options); absent for a model without its run (an ONNX file). */
  config?: TrainConfig;
  /** Run dir (its split.json is reused when evaluating on the training data). */
  runDir?: string;
  data?: string;
  split: 'test' | 'val' | 'train' | 'all';
  /** Evaluate the items of these patients instead of a split part (a shipped model's test patients). */
  patients?: readonly string[];
  samples: number;
  out: string;
  seed: number;
  examples: number;
  maxImages?: number;
  progress?: boolean;
  /** Also write into a folder flowseg did not create (only its own files are replaced). */
  overwrite?: boolean;
  /** Images sampled together (default {@link defaultImageBatch}); speed and memory only, never the numbers. */
  imageBatch?: number;
  /** What summary.json says about the model besides the config: engine, file, variant. */
  model?: Record<string, unknown>;
}

/** Images per batch in evaluate: at most 64 sample maps in memory at once. */
export function defaultImageBatch(samples: number): number {
  return Math.max(1, Math.floor(64 / Math.max(1, samples / 4)));
}

function pickIndices(dataset: Dataset, o: EvaluateOptions, where: string): number[] {
  if (o.patients) {
    const wanted = new Set(o.patients);
    const picked = dataset.patientIds.flatMap((p, i) => (wanted.has(p) ? [i] : []));
    if (picked.length === 0)
      throw new FlowsegInputError(`--data ${where} holds none of the model's ${wanted.size} test patients (e.g. ${o.patients[0]}); evaluate with --split all`);
    return picked;
  }
  if (o.split === 'all') return dataset.ids.map((_, i) => i);
  if (!o.config)
    throw new FlowsegInputError(`--split ${o.split}: a model without its run has no ${o.split} part; pass --run <run dir> (its split.json) or --split all`);
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

/** A batch of images to sample, with its prior noise. */
interface BatchInput {
  items: DataItem[];
  images: Float32Array;
  shape: BatchShape;
  eps: Float32Array;
}

/**
 * One evaluation, batch by batch: `next()` gives the images and their prior noise, `add()` takes
 * the sampler's answer and reduces it to metrics before the next batch is drawn (memory stays
 * bounded), `finish()` writes the folder. The sampler is called by {@link evaluate} or
 * {@link evaluateAsync}, the only difference between the engines.
 */
class Evaluation {
  private readonly dataset: Dataset;
  private readonly indices: number[];
  private readonly noise: PriorNoiseStream;
  private readonly counts: number[];
  private readonly curve: { excl: number[]; incl: number[] }[];
  private readonly rows: ImageMetrics[] = [];
  private readonly raterCounts: number[] = [];
  private readonly calibration = new CalibrationAccumulator();
  private readonly examples: Uint8Array[] = [];
  private readonly bar: CountProgress;
  private readonly batchSize: number;
  private start = 0;

  constructor(private readonly o: EvaluateOptions) {
    checkOutputDir(o.out, 'evaluation', { overwrite: o.overwrite }); // before any work
    const data = o.data ?? o.config?.data;
    if (data === undefined) throw new FlowsegInputError('--data is required to evaluate a model without its run: a `flowseg prepare` output folder');
    const synthetic = o.config?.synthetic ?? { items: SYNTHETIC_DEFAULTS.items, size: SYNTHETIC_DEFAULTS.size, disagreement: SYNTHETIC_DEFAULTS.disagreement };
    this.dataset = openDataset({ data, synthetic });
    this.indices = pickIndices(this.dataset, o, data);
    if (o.maxImages !== undefined) this.indices = this.indices.slice(0, o.maxImages);
    const { channels: c, height: h, width: w } = this.dataset.shape;
    if (this.indices.length === 0) {
      throw new FlowsegInputError(
        `--split ${o.split}: the ${o.split} part of ${data} has no images (${this.dataset.shape.patients} patients in all); evaluate another --split or use a dataset with more patients`,
      );
    }
    if (c !== o.sampler.inChannels) {
      throw new FlowsegInputError(
        `--data ${data}: images have ${c} channel(s) but the model was trained on ${o.sampler.inChannels}; evaluate on data of the kind it was trained on`,
      );
    }
    const size = o.sampler.fixedSize;
    if (size && (size[0] !== h || size[1] !== w)) {
      throw new FlowsegInputError(
        `--data ${data}: images are ${h}×${w} but the model takes ${size[0]}×${size[1]}; prepare the data at that size (flowseg prepare --size)`,
      );
    }
    this.noise = new PriorNoiseStream(o.seed);
    const n = o.samples;
    this.counts = [1, 2, 4, 8, 16, 32, 64, 100].filter((k) => k < n).concat([n]);
    this.curve = this.counts.map(() => ({ excl: [], incl: [] }));
    this.batchSize = o.imageBatch ?? defaultImageBatch(n);
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new Error(`evaluate: imageBatch must be a positive integer, got ${this.batchSize}`);
    this.bar = countProgress({ label: 'evaluate', total: this.indices.length, unit: 'images', enabled: o.progress ?? false });
  }

  /** The next batch of images and their prior noise [B, n, L], or undefined when all are done. */
  next(): BatchInput | undefined {
    if (this.start >= this.indices.length) return undefined;
    const idx = this.indices.slice(this.start, this.start + this.batchSize);
    this.start += idx.length;
    const { channels: c, height: h, width: w } = this.dataset.shape;
    const items = idx.map((i) => this.dataset.get(i));
    const images = new Float32Array(idx.length * c * h * w); // [B, C, H, W]
    for (const [k, it] of items.entries()) images.set(it.image, k * c * h * w);
    const n = this.o.samples;
    const L = this.o.sampler.latent;
    const eps = new Float32Array(idx.length * n * L); // [B, n, L]: image after image from one stream
    for (let k = 0; k < idx.length; k++) eps.set(this.noise.next(n, L), k * n * L);
    return { items, images, shape: [idx.length, c, h, w], eps };
  }

  /** Reduces one batch's samples to per-image metrics (and example grids). */
  add(input: BatchInput, batch: SampleBatch): void {
    const { items, shape } = input;
    const [, , h, w] = shape;
    const n = this.o.samples;
    const L = this.o.sampler.latent;
    const ratersOf = items.map((item) => Array.from({ length: item.raters }, (_, r) => item.masks.subarray(r * h * w, (r + 1) * h * w)));
    const reductions = reductionsOf(this.o.sampler, batch, shape, n, ratersOf);
    items.forEach((item, b) => {
      const probs = Array.from({ length: n }, (_, k) => batch.probs.subarray((b * n + k) * h * w, (b * n + k + 1) * h * w));
      const masks = probs.map(toMask);
      const raters = ratersOf[b] as Uint8Array[];
      const e = evaluateImage(item.id, masks, raters, batch.priorSigma.subarray(b * L, (b + 1) * L), reductions[b] as SampleReductions);
      this.rows.push(e.metrics);
      this.raterCounts.push(raters.length);
      this.calibration.add(probs, raters);
      this.counts.forEach((m, j) => {
        this.curve[j]?.excl.push(gedFromPairwise(e.pairwise, { emptyPairs: 'exclude', sampleCount: m }));
        this.curve[j]?.incl.push(gedFromPairwise(e.pairwise, { emptyPairs: 'include', sampleCount: m }));
      });
      if (this.examples.length < this.o.examples) {
        this.examples.push(
          renderSampleGrid({
            image: item.image,
            height: h,
            width: w,
            raters,
            samples: masks,
            mean: meanMap(probs),
            std: stdMap(probs),
            title: `${item.id} — GED (incl) ${e.metrics.ged_incl.toFixed(3)}, GED (excl) ${Number.isFinite(e.metrics.ged_excl) ? e.metrics.ged_excl.toFixed(3) : 'n/a'}`,
          }),
        );
      }
    });
    this.bar.update(this.rows.length, `GED (incl) so far ${meanStd(this.rows.map((r) => r.ged_incl)).mean.toFixed(3)}`);
  }

  /** summary.json and the other files; returns the summary and the per-image rows. */
  finish(): { summary: Record<string, unknown>; rows: ImageMetrics[] } {
    this.bar.stop();
    const { o, rows } = this;
    const summary: Record<string, unknown> = {};
    for (const k of METRIC_KEYS) {
      const { mean, std } = meanStd(rows.map((r) => r[k]));
      summary[k] = { mean, std };
    }
    const sigmaPoints = rows.map((r) => [r.rater_disagreement, r.prior_sigma] as const);
    const sigmaPearson = pearson(sigmaPoints).r ?? Number.NaN;
    Object.assign(summary, {
      sigma_disagreement_pearson: sigmaPearson,
      empty_samples_by_empty_raters: emptySamplesByEmptyRaters(rows, this.raterCounts),
      calibration: this.calibration.record(),
      rater_coverage: raterCoverageSummary(rows),
      ...(o.config ? { config: o.config } : {}),
      ...(o.model ? { model: o.model } : {}),
      commit: gitCommit(),
      dataset: { path: o.data ?? o.config?.data, split: o.patients ? 'test (the model card’s patients)' : o.split, items: this.dataset.shape.items },
      samples: o.samples,
      seed: o.seed,
      images: rows.length,
    });
    const result: EvaluationResult = {
      summary,
      rows,
      gedCurve: this.counts.map((m, j) => ({ samples: m, ged_excl: meanStd(this.curve[j]?.excl ?? []), ged_incl: meanStd(this.curve[j]?.incl ?? []) })),
      sigmaPoints,
      sigmaPearson,
      examples: this.examples,
    };
    writeEvaluation(o.out, result, o.overwrite);
    return { summary, rows };
  }
}

/**
 * Samples every image of a split and writes per-image metrics (CSV + JSON), summary.json,
 * GED vs number of samples, prior σ vs rater disagreement, and example grids — with a
 * synchronous sampler (libtorch: `new TorchSampler(model)`). Image k's prior noise is the k-th
 * [n, L] block of `PriorNoiseStream(seed)`, on every engine and at every image batch.
 */
export function evaluate(o: EvaluateOptions<BatchSampler<SampleBatch>>): { summary: Record<string, unknown>; rows: ImageMetrics[] } {
  const e = new Evaluation(o);
  for (let b = e.next(); b; b = e.next()) e.add(b, o.sampler.sampleBatch(b.images, b.shape, b.eps, o.samples));
  return e.finish();
}

/** {@link evaluate} with a sampler of any engine, e.g. onnxruntime's (`OnnxSampler`); the same numbers for the same seed. */
export async function evaluateAsync(o: EvaluateOptions): Promise<{ summary: Record<string, unknown>; rows: ImageMetrics[] }> {
  const e = new Evaluation(o);
  for (let b = e.next(); b; b = e.next()) e.add(b, await o.sampler.sampleBatch(b.images, b.shape, b.eps, o.samples));
  return e.finish();
}
