import { PNG } from 'pngjs';
import { FlowsegInputError } from '../../util/errors.js';

// The PNG filter and deflate settings of every picture flowseg writes. pngjs's defaults try all
// five filters on every row and deflate at level 9 with Z_RLE: on a 2150×900 sample grid that is
// ~240 ms of CPU for a 720 kB file. One fixed filter (Up: rows of figures repeat the row above —
// white margins, 2× upscaled panels) and deflate level 1 take ~30 ms and give ~160 kB. The pixels
// are the same; only the compressed bytes differ.
const FILTER_UP = 2;
const DEFLATE = { filterType: FILTER_UP, deflateLevel: 1, deflateStrategy: 0 } as const;
/** pngjs colour types for 1 (gray), 3 (RGB) and 4 (RGBA) channels. */
const COLOR_TYPE: Record<number, 0 | 2 | 6> = { 1: 0, 3: 2, 4: 6 };

/**
 * Encodes 8-bit pixels as a PNG. The channel count (1 gray, 3 RGB, 4 RGBA) is inferred
 * from `pixels.length / (height · width)` and kept in the file (gray stays gray, RGB has no
 * alpha); rows are top to bottom, channels interleaved.
 */
export function encodePng(pixels: Uint8Array | Uint8ClampedArray, height: number, width: number): Buffer {
  const n = height * width;
  const channels = n > 0 ? pixels.length / n : 0;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new FlowsegInputError(`encodePng: size ${height}×${width} is not a positive integer size`);
  }
  const colorType = COLOR_TYPE[channels];
  if (colorType === undefined) {
    throw new FlowsegInputError(`encodePng: ${pixels.length} values for ${height}×${width} pixels; expected 1, 3 or 4 values per pixel`);
  }
  const data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength); // a view, no copy
  // Input and output colour types agree, so pngjs filters `data` as it is.
  return PNG.sync.write({ width, height, data } as PNG, { ...DEFLATE, colorType, inputColorType: colorType, inputHasAlpha: channels === 4 });
}

/** Nearest-neighbour upscaling of interleaved pixels by an integer factor (keeps mask edges crisp). */
export function upscale(pixels: Uint8Array, height: number, width: number, channels: number, factor: number): Uint8Array {
  if (factor === 1) return pixels;
  const W = width * factor;
  const out = new Uint8Array(height * factor * W * channels);
  for (let y = 0; y < height * factor; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < W; x++) {
      const src = (sy * width + Math.floor(x / factor)) * channels;
      const dst = (y * W + x) * channels;
      for (let c = 0; c < channels; c++) out[dst + c] = pixels[src + c];
    }
  }
  return out;
}

/** A PNG as a `data:` URI, for embedding in SVG or self-contained HTML. */
export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}
