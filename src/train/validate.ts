import { scope } from '../tensor/scope.js';
import { noGrad } from '../tensor/engine.js';
import { Generator, randn } from '../tensor/create.js';
import type { Dataset } from '../data/types.js';
import type { SegmentationModel } from '../models/segmentationModel.js';
import { sampleSetMetrics } from '../metrics/index.js';
import { chunk, makeBatch } from './batches.js';
import { Rng } from '../util/rng.js';
import { FOREGROUND_THRESHOLD } from '../infer/threshold.js';

export interface Validation {
  loss: number;
  ged: number | null;
}

/**
 * Validation ELBO (posterior noise from a fixed generator, so epochs are comparable and the
 * training RNG stream is untouched) and, when asked, GED (incl. convention) of prior samples.
 */
export function validate(
  model: SegmentationModel,
  dataset: Dataset,
  indices: readonly number[],
  opts: { batchSize: number; withGed: boolean; samples: number; seed: number },
): Validation {
  if (indices.length === 0) return { loss: Number.NaN, ged: null };
  const gen = new Generator(opts.seed);
  const raterRng = new Rng(opts.seed);
  let lossSum = 0;
  let gedSum = 0;
  let gedCount = 0;
  const { height: h, width: w } = dataset.shape;
  const dtype = model.config.dtype === 'float64' ? 'float64' : 'float32';
  for (const idx of chunk(indices, opts.batchSize)) {
    scope(() =>
      noGrad(() => {
        const batch = makeBatch(dataset, idx, 'all', raterRng, false, model.config.dtype);
        const eps = randn([idx.length, model.config.latent], { dtype, generator: gen });
        lossSum += model.loss(batch.images, batch.masks, { eps }).loss.item() * idx.length;
        if (!opts.withGed) return;
        const probs = model.sample(batch.images, opts.samples, { generator: gen }).probs.toFloat32Array(); // [B, n, H, W]
        batch.items.forEach((item, b) => {
          const samples = Array.from({ length: opts.samples }, (_, s) => binarize(probs, (b * opts.samples + s) * h * w, h * w));
          const raters = Array.from({ length: item.raters }, (_, r) => item.masks.subarray(r * h * w, (r + 1) * h * w));
          const m = sampleSetMetrics(samples, raters);
          gedSum += m.gedIncl;
          gedCount++;
        });
      }),
    );
  }
  return { loss: lossSum / indices.length, ged: opts.withGed ? gedSum / Math.max(1, gedCount) : null };
}

function binarize(probs: Float32Array, offset: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let p = 0; p < n; p++) out[p] = (probs[offset + p] as number) > FOREGROUND_THRESHOLD ? 1 : 0;
  return out;
}
