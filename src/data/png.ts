/** PNG decoding for the readers (pngjs), reduced to one 8-bit gray plane. */
import { PNG } from 'pngjs';
import { FlowsegInputError } from '../util/errors.js';
import { checkPngBounds } from './image/bounds.js';

export interface GrayImage {
  height: number;
  width: number;
  /** `[H, W]` 0–255. */
  gray: Uint8Array;
}

/** Decodes a PNG; color PNGs are reduced to their first channel (LIDC slices are gray). */
export function decodeGrayPng(bytes: Buffer, name: string): GrayImage {
  checkPngBounds(bytes, name); // before pngjs allocates: size limit, interlaced deflate bombs
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (err) {
    throw new FlowsegInputError(`${name} is not a readable PNG (${(err as Error).message}); the file is corrupt or truncated — re-export or re-copy it`);
  }
  const { width, height, data } = png; // data: [H, W, 4] RGBA
  const gray = new Uint8Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = data[i * 4];
  return { height, width, gray };
}

/** {0,255} → {0,1}; any other value is an error naming the file (a blurred or resampled mask). */
export function maskFromGray(gray: Uint8Array, name: string): Uint8Array {
  const out = new Uint8Array(gray.length);
  for (let i = 0; i < gray.length; i++) {
    const v = gray[i];
    if (v === 255) out[i] = 1;
    else if (v !== 0) {
      throw new FlowsegInputError(
        `${name} holds the value ${v} at pixel ${i}; rater masks must be exactly 0 or 255 — ` +
          'save masks without anti-aliasing or interpolation (threshold them first)',
      );
    }
  }
  return out;
}
