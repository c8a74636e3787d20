import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Dataset, DataItem } from '../data/types.js';
import { pickRaterMask, augmentItem, type RaterMode } from '../data/raters.js';
import type { Rng } from '../util/rng.js';
import type { DType } from '../tensor/dtype.js';

export interface Batch {
  /** [B, C, H, W] */
  images: Tensor;
  /** [B, 1, H, W] 0/1 */
  masks: Tensor;
  items: DataItem[];
}

/**
 * Stacks items into tensors; each image draws one rater mask (all raters: random rater per draw).
 * `keep` (data-parallel shards): the random draws are made for every item, in order, but only
 * items [start, end) are stacked, so each rank's shard gets the draws one process would.
 */
export function makeBatch(
  dataset: Dataset,
  indices: readonly number[],
  raters: RaterMode,
  rng: Rng,
  augment: boolean,
  dtype: DType = 'float32',
  keep?: { start: number; end: number },
): Batch {
  const { channels: c, height: h, width: w } = dataset.shape;
  const from = keep?.start ?? 0;
  const b = (keep?.end ?? indices.length) - from;
  const images = new Float32Array(b * c * h * w);
  const masks = new Float32Array(b * h * w);
  const items: DataItem[] = [];
  indices.forEach((index, i) => {
    let item = dataset.get(index);
    if (augment) item = augmentItem(item, { flipHorizontal: true, flipVertical: true }, rng);
    const m = pickRaterMask(item, raters, rng);
    const k = i - from;
    if (k < 0 || k >= b) return;
    images.set(item.image, k * c * h * w);
    for (let p = 0; p < h * w; p++) masks[k * h * w + p] = m[p] as number;
    items.push(item);
  });
  const f = dtype === 'float64' ? 'float64' : 'float32';
  return { images: tensor(images, [b, c, h, w], { dtype: f }), masks: tensor(masks, [b, 1, h, w], { dtype: f }), items };
}

/** Consecutive chunks of `order` of size `batchSize` (the last may be smaller). */
export function chunk(order: readonly number[], batchSize: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}
