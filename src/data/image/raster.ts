import { FlowsegInputError } from '../../util/errors.js';

/**
 * A decoded 2D picture as codecs hand it over: interleaved `[H, W, C]` samples, alpha
 * dropped, at the source bit depth (`maxValue` is full scale: 255 or 65535). Readers turn it
 * into float `[C, H, W]` planes or a 0/1 mask with the helpers below.
 */
export interface Raster {
  width: number;
  height: number;
  channels: 1 | 3;
  maxValue: number;
  /** `[H, W, C]` interleaved. */
  data: Uint8Array | Uint16Array;
}

/** How colour becomes the item's channels: one gray plane, the green plane, or RGB. */
export type ChannelMode = 'luminance' | 'green' | 'rgb';

/**
 * Float planes in [0, 1], `[C, H, W]`. Luminance uses the ITU-R BT.601 weights (what PIL's
 * `convert('L')` uses), so gray inputs match the Python pipelines the field's data came from.
 */
export function toPlanes(r: Raster, mode: ChannelMode): Float32Array {
  const n = r.width * r.height;
  const scale = 1 / r.maxValue;
  const d = r.data;
  if (mode === 'rgb') {
    const out = new Float32Array(3 * n); // [3, H, W]
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) out[c * n + i] = d[r.channels === 3 ? 3 * i + c : i] * scale;
    }
    return out;
  }
  const out = new Float32Array(n); // [1, H, W]
  if (r.channels === 1) {
    for (let i = 0; i < n; i++) out[i] = d[i] * scale;
  } else if (mode === 'green') {
    for (let i = 0; i < n; i++) out[i] = d[3 * i + 1] * scale;
  } else {
    for (let i = 0; i < n; i++) {
      out[i] = (0.299 * d[3 * i] + 0.587 * d[3 * i + 1] + 0.114 * d[3 * i + 2]) * scale;
    }
  }
  return out;
}

/** Gray levels of a raster at its own scale, `[H, W]` (colour → BT.601 luminance). */
export function grayLevels(r: Raster): Float32Array {
  return toPlanes(r, 'luminance').map((v) => v * r.maxValue);
}

/**
 * A lossy (JPEG) or palette mask → 0/1 by thresholding gray at half scale (128 of 255):
 * compression ringing around edges must not count as a drawn pixel.
 */
export function thresholdMask(r: Raster): Uint8Array {
  const g = grayLevels(r);
  const cut = (r.maxValue + 1) / 2;
  const out = new Uint8Array(g.length); // [H, W]
  for (let i = 0; i < g.length; i++) out[i] = g[i] >= cut ? 1 : 0;
  return out;
}

/**
 * A mask → 0/1, refusing anything but background 0 and one foreground value (1 or full
 * scale): a label map with several classes or a soft map must not be silently merged.
 * `tolerance` (fraction of full scale) admits palette colours such as DRIVE's (4,2,4)/(252,254,252).
 */
export function strictMask(r: Raster, file: string, tolerance = 0): Uint8Array {
  const g = grayLevels(r);
  const slack = Math.max(tolerance * r.maxValue, 1e-3);
  const out = new Uint8Array(g.length); // [H, W]
  for (let i = 0; i < g.length; i++) {
    const v = g[i];
    if (v <= tolerance * r.maxValue) continue; // background: exactly 0 unless tolerant
    if (v !== 1 && Math.abs(v - r.maxValue) > slack) {
      throw new FlowsegInputError(
        `${file}: mask value ${Math.round(v)} at pixel (${i % r.width}, ${Math.floor(i / r.width)}) is not binary; ` +
          `save masks with values 0 and 1 (or 0 and ${r.maxValue}), one file per rater`,
      );
    }
    out[i] = 1;
  }
  return out;
}

/** Throws unless the raster is `width × height` (the message names both files). */
export function expectSize(r: Raster, file: string, width: number, height: number, like: string): void {
  if (r.width !== width || r.height !== height) {
    throw new FlowsegInputError(
      `${file} is ${r.width}×${r.height}, expected ${width}×${height} like ${like}; ` + 'resize it to match (or pass --size to resize everything)',
    );
  }
}
