import { FlowsegInputError } from '../../util/errors.js';
import type { Rgb } from './colormap.js';

/**
 * Pixel-level building blocks of the sample grid: an image as RGB bytes and a mask
 * overlaid on it. All arrays are row-major [H, W] (RGB interleaved).
 */

/** The image as RGB bytes: [H,W] / [1,H,W] gray or [3,H,W] colour; values in [0,1] kept, others min–max scaled. */
export function imageToRgb(image: Float32Array, height: number, width: number): Uint8Array {
  const n = height * width;
  const channels = image.length / n;
  if (channels !== 1 && channels !== 3) {
    throw new FlowsegInputError(`sample grid: image has ${image.length} values; expected ${n} ([H,W]) or ${3 * n} ([3,H,W]) for ${height}×${width}`);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of image) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  // Images already in [0,1] (the data readers' convention) keep their contrast; others are stretched.
  const inUnit = lo >= 0 && hi <= 1;
  const off = inUnit ? 0 : lo;
  const span = inUnit ? 1 : hi - lo || 1;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = image[(channels === 3 ? c * n : 0) + i];
      out[3 * i + c] = Math.round(Math.min(1, Math.max(0, (v - off) / span)) * 255);
    }
  }
  return out;
}

/** Checks a mask or map has one value per pixel. */
export function checkMap(what: string, map: ArrayLike<number>, height: number, width: number): void {
  if (map.length !== height * width) {
    throw new FlowsegInputError(`sample grid: ${what} has ${map.length} values, expected ${height * width} (${height}×${width})`);
  }
}

/** True when no pixel of the mask (or probability map, at 0.5) is foreground. */
export function isEmptyMask(mask: ArrayLike<number>): boolean {
  for (let i = 0; i < mask.length; i++) if (mask[i] >= 0.5) return false;
  return true;
}

/**
 * `mask` (0/1, or probabilities) blended over the RGB image in `colour`: the fill's opacity
 * is `alpha · p`, and the outline (foreground pixels with a background 4-neighbour at 0.5)
 * is drawn opaque so small lesions stay visible.
 */
export function overlayMask(rgb: Uint8Array, mask: ArrayLike<number>, height: number, width: number, colour: Rgb, alpha = 0.45): Uint8Array {
  const out = Uint8Array.from(rgb);
  const fg = (y: number, x: number): boolean => y >= 0 && y < height && x >= 0 && x < width && mask[y * width + x] >= 0.5;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (mask[i] <= 0) continue; // background: most pixels; no fill, no edge
      const p = Math.min(1, Math.max(0, mask[i]));
      const edge = fg(y, x) && !(fg(y - 1, x) && fg(y + 1, x) && fg(y, x - 1) && fg(y, x + 1));
      const a = edge ? 1 : alpha * p;
      if (a === 0) continue;
      for (let c = 0; c < 3; c++) out[3 * i + c] = Math.round(out[3 * i + c] * (1 - a) + colour[c] * a);
    }
  }
  return out;
}
