/**
 * Which rater mask a training draw uses, and the optional light augmentation.
 * "all": a uniformly random rater per draw (Kohl; cFlow per batch); "single": rater 0.
 */
import type { Rng } from '../util/rng.js';
import type { DataItem } from './types.js';

export type RaterMode = 'all' | 'single';

/** One rater's mask `[H, W]` (a view into item.masks, not a copy). */
export function pickRaterMask(item: DataItem, mode: RaterMode, rng: Rng): Uint8Array {
  const n = item.height * item.width;
  const r = mode === 'single' ? 0 : rng.int(item.raters);
  return item.masks.subarray(r * n, (r + 1) * n);
}

export interface AugmentOptions {
  /** Mirror left–right with probability 1/2. */
  flipHorizontal?: boolean;
  /** Mirror top–bottom with probability 1/2. */
  flipVertical?: boolean;
}

/**
 * Random flips applied identically to the image and all its masks (off unless asked for).
 * Returns a new item; the input is left untouched.
 */
export function augmentItem(item: DataItem, options: AugmentOptions, rng: Rng): DataItem {
  const fx = options.flipHorizontal === true && rng.next() < 0.5;
  const fy = options.flipVertical === true && rng.next() < 0.5;
  if (!fx && !fy) return item;
  return {
    ...item,
    image: flipPlanes(item.image, item.channels, item.height, item.width, fx, fy),
    masks: flipPlanes(item.masks, item.raters, item.height, item.width, fx, fy),
  };
}

function flipPlanes<T extends Float32Array | Uint8Array>(src: T, planes: number, h: number, w: number, fx: boolean, fy: boolean): T {
  const out = new (src.constructor as { new (n: number): T })(src.length); // [P, H, W]
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let y = 0; y < h; y++) {
      const sy = fy ? h - 1 - y : y;
      for (let x = 0; x < w; x++) out[base + y * w + x] = src[base + sy * w + (fx ? w - 1 - x : x)];
    }
  }
  return out;
}
