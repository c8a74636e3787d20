import { PNG } from 'pngjs';
import { FlowsegInputError } from '../../util/errors.js';

/**
 * Encodes 8-bit pixels as a PNG. The channel count (1 gray, 3 RGB, 4 RGBA) is inferred
 * from `pixels.length / (height · width)`; rows are top to bottom, channels interleaved.
 */
export function encodePng(pixels: Uint8Array | Uint8ClampedArray, height: number, width: number): Buffer {
  const n = height * width;
  const channels = n > 0 ? pixels.length / n : 0;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new FlowsegInputError(`encodePng: size ${height}×${width} is not a positive integer size`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new FlowsegInputError(`encodePng: ${pixels.length} values for ${height}×${width} pixels; expected 1, 3 or 4 values per pixel`);
  }
  const png = new PNG({ width, height });
  const data = png.data; // RGBA
  for (let i = 0; i < n; i++) {
    if (channels === 1) {
      const v = pixels[i];
      data[4 * i] = v;
      data[4 * i + 1] = v;
      data[4 * i + 2] = v;
      data[4 * i + 3] = 255;
    } else {
      data[4 * i] = pixels[channels * i];
      data[4 * i + 1] = pixels[channels * i + 1];
      data[4 * i + 2] = pixels[channels * i + 2];
      data[4 * i + 3] = channels === 4 ? pixels[4 * i + 3] : 255;
    }
  }
  return PNG.sync.write(png);
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
