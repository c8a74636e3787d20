import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { FlowsegInputError } from '../../util/errors.js';
import { checkPixels, limit } from '../../util/limits.js';
import { checkPngBounds, gunzipBounded, jpegSize } from './bounds.js';
import { decodePnm } from './ppm.js';
import type { Raster } from './raster.js';

// utif and omggif are CommonJS without type declarations: type the few calls we make.
const require = createRequire(import.meta.url);
interface TiffIfd {
  width?: number;
  height?: number;
  t256?: number[];
  t257?: number[];
  t262?: number[];
}
const UTIF = require('utif') as {
  decode(buf: Uint8Array): TiffIfd[];
  decodeImage(buf: Uint8Array, ifd: TiffIfd): void;
  toRGBA8(ifd: TiffIfd): Uint8Array;
};
const { GifReader } = require('omggif') as {
  GifReader: new (
    buf: Uint8Array,
  ) => {
    width: number;
    height: number;
    frameInfo(frame: number): { width: number; height: number };
    decodeAndBlitFrameRGBA(frame: number, pixels: Uint8Array): void;
  };
};

type Kind = 'PNG' | 'JPEG' | 'TIFF' | 'GIF' | 'PNM' | 'gzip';

/** Which codec by magic bytes, not extension: a mislabelled file still decodes. */
function sniff(b: Uint8Array): Kind | undefined {
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'PNG';
  if (b[0] === 0xff && b[1] === 0xd8) return 'JPEG';
  if ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 42) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 42)) return 'TIFF';
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return 'GIF';
  if (b[0] === 0x50 && b[1] >= 0x32 && b[1] <= 0x36) return 'PNM';
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  return undefined;
}

/**
 * Decodes PNG, JPEG, TIFF, GIF or PPM/PGM (optionally gzipped, as STARE ships them).
 * Any codec failure becomes one FlowsegInputError naming the file and the fix.
 */
export function decodeImage(bytes: Uint8Array, file: string): Raster {
  const kind = sniff(bytes);
  if (kind === undefined) {
    throw new FlowsegInputError(`${file}: not a PNG, JPEG, TIFF, GIF or PPM image (${bytes.length} bytes); replace it with a valid image`);
  }
  let r: Raster;
  try {
    r = decodeKind(kind, bytes, file);
  } catch (e) {
    if (e instanceof FlowsegInputError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new FlowsegInputError(`${file}: cannot decode ${kind} (${why}); the file is corrupt or truncated, re-export or re-download it`);
  }
  if (!(r.width > 0 && r.height > 0)) {
    throw new FlowsegInputError(`${file}: ${kind} has no pixels; the file is corrupt, re-export it`);
  }
  return r;
}

export async function readImageFile(file: string): Promise<Raster> {
  return decodeImage(await readFile(file), file);
}

function decodeKind(kind: Kind, b: Uint8Array, file: string): Raster {
  switch (kind) {
    case 'PNG': {
      checkPngBounds(b, file);
      // skipRescale keeps 16-bit samples (CT, microscopy) instead of truncating to 8 bits.
      const png = PNG.sync.read(Buffer.from(b.buffer, b.byteOffset, b.byteLength), { skipRescale: true });
      const gray = png.colorType === 0 || png.colorType === 4;
      return fromRgba(png.width, png.height, png.data, gray, png.depth === 16 ? 65535 : 255);
    }
    case 'JPEG': {
      const size = jpegSize(b);
      if (size) checkPixels(size.width, size.height, file, 're-export the image at a smaller size');
      // tolerantDecoding off: a truncated JPEG must fail rather than yield a gray tail.
      const j = jpeg.decode(b, {
        useTArray: true,
        tolerantDecoding: false,
        formatAsRGBA: true,
        maxResolutionInMP: limit('maxPixels') / 1e6,
        maxMemoryUsageInMB: Math.ceil((limit('maxPixels') * 12) / 2 ** 20),
      });
      return fromRgba(j.width, j.height, j.data, isGray(j.data), 255);
    }
    case 'TIFF': {
      const ifds = UTIF.decode(b);
      if (ifds.length === 0) throw new Error('no image directory');
      checkPixels(ifds[0].t256?.[0] ?? 0, ifds[0].t257?.[0] ?? 0, file, 're-export the image at a smaller size');
      UTIF.decodeImage(b, ifds[0]);
      const { width = 0, height = 0 } = ifds[0];
      const rgba = UTIF.toRGBA8(ifds[0]);
      if (rgba.length < width * height * 4) throw new Error('pixel data shorter than the image');
      const photometric = ifds[0].t262?.[0];
      return fromRgba(width, height, rgba, photometric === 0 || photometric === 1, 255);
    }
    case 'GIF': {
      const g = new GifReader(b);
      checkPixels(g.width, g.height, file, 're-export the image at a smaller size');
      const frame = g.frameInfo(0);
      checkPixels(frame.width, frame.height, `${file} (frame 0)`);
      const rgba = new Uint8Array(g.width * g.height * 4);
      g.decodeAndBlitFrameRGBA(0, rgba);
      return fromRgba(g.width, g.height, rgba, isGray(rgba), 255);
    }
    case 'PNM':
      return decodePnm(b, file);
    case 'gzip':
      // 16-bit RGB at the pixel limit, plus room for a header: anything longer is not one image.
      return decodeImage(gunzipBounded(b, file, Math.min(limit('maxDecompressedBytes'), 6 * limit('maxPixels') + (1 << 20))), file);
  }
}

/** Drops alpha; a gray source keeps one channel so it is not stored three times. */
function fromRgba(width: number, height: number, rgba: Uint8Array | Uint16Array, gray: boolean, maxValue: number): Raster {
  const n = width * height;
  const channels = gray ? 1 : 3;
  const data = maxValue > 255 ? new Uint16Array(n * channels) : new Uint8Array(n * channels); // [H, W, C]
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) data[i * channels + c] = rgba[4 * i + c];
  }
  return { width, height, channels, maxValue, data };
}

function isGray(rgba: Uint8Array): boolean {
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) return false;
  }
  return true;
}
