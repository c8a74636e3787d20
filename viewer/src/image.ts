// Browser image decoding into the model input, with the same conversion as Node's
// `loadModelInput` (BT.601 luminance for gray models, /255, the same bilinear resize).
import { toPlanes, type Raster } from '../../src/data/image/raster.js';
import { resizeBilinear } from '../../src/data/image/resize.js';

export interface DecodedImage {
  raster: Raster;
  name: string;
}

/** Decodes a PNG/JPEG with the browser's codecs; colour management off so values stay as stored. */
export async function decodeImage(blob: Blob, name: string): Promise<DecodedImage> {
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const n = canvas.width * canvas.height;
  let gray = true;
  for (let i = 0; i < n && gray; i++) gray = rgba[4 * i] === rgba[4 * i + 1] && rgba[4 * i] === rgba[4 * i + 2];
  // A gray PNG decodes to R = G = B: keep one channel, as Node's decoder does.
  const channels = gray ? 1 : 3;
  const data = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = rgba[4 * i + c] as number;
  return { raster: { width: canvas.width, height: canvas.height, channels, maxValue: 255, data }, name };
}

/** The model input planes [C, H, W] in [0, 1]. */
export function toModelInput(raster: Raster, shape: readonly [number, number, number]): Float32Array {
  const [c, h, w] = shape;
  const planes = toPlanes(raster, c === 3 ? 'rgb' : 'luminance');
  return resizeBilinear(planes, c, raster.height, raster.width, h, w);
}
