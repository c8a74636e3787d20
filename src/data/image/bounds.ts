/**
 * Size checks that run on an image's header BEFORE a codec allocates anything (issue 13):
 * a 1 KB PNG may claim 60000×60000 pixels, and a PNG, gzip or NIfTI payload may inflate a
 * thousandfold. Codecs only ever see inputs these checks have bounded.
 */
import { inflateSync, gunzipSync, constants as zlibConstants } from 'node:zlib';
import { FlowsegInputError } from '../../util/errors.js';
import { checkPixels, limit, raiseHint } from '../../util/limits.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Channels per PNG colour type (0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA). */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes: [x0, y0, dx, dy]. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** Filtered scanline bytes of a PNG image (what its IDAT stream must inflate to). */
function pngDataBytes(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const rows = (w: number, h: number): number => (w === 0 || h === 0 ? 0 : h * (1 + Math.ceil((w * bitsPerPixel) / 8)));
  if (!interlaced) return rows(width, height);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) total += rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy));
  return total;
}

/**
 * Reads the IHDR and refuses sizes over the pixel limit. Interlaced images are inflated once
 * here with an output cap, since pngjs inflates them without one (a deflate bomb).
 */
export function checkPngBounds(bytes: Uint8Array, file: string): void {
  if (bytes.length < 33 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return; // pngjs reports the corruption
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = v.getUint32(16);
  const height = v.getUint32(20);
  const depth = bytes[24];
  const channels = PNG_CHANNELS[bytes[25]];
  checkPixels(width, height, file, 're-export the image at a smaller size, or check that the file is not corrupt');
  if (bytes[28] !== 1 || channels === undefined) return;
  const expected = pngDataBytes(width, height, depth * channels, true);
  const idat: Uint8Array[] = [];
  for (let p = 8; p + 8 <= bytes.length; ) {
    const len = v.getUint32(p);
    const type = String.fromCharCode(bytes[p + 4], bytes[p + 5], bytes[p + 6], bytes[p + 7]);
    if (p + 12 + len > bytes.length) break;
    if (type === 'IDAT') idat.push(bytes.subarray(p + 8, p + 8 + len));
    if (type === 'IEND') break;
    p += 12 + len;
  }
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1, finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new FlowsegInputError(
        `${file}: PNG pixel data inflates to more than the ${expected} bytes its ${width}×${height} header allows ` +
          '(a decompression bomb or a corrupt file); re-export the image',
      );
    }
    // Other inflate errors: pngjs reports them as corruption.
  }
}

/** Width and height from a JPEG's SOF marker, or undefined when none is found (the codec then fails). */
export function jpegSize(b: Uint8Array): { width: number; height: number } | undefined {
  let p = 2;
  while (p + 9 < b.length) {
    if (b[p] !== 0xff) return undefined;
    const marker = b[p + 1];
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    const len = (b[p + 2] << 8) | b[p + 3];
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (b[p + 5] << 8) | b[p + 6], width: (b[p + 7] << 8) | b[p + 8] };
    }
    if (marker === 0xda || len < 2) return undefined; // scan data before any frame header
    p += 2 + len;
  }
  return undefined;
}

/** gunzip with an output cap: at most `cap` bytes, else a FlowsegInputError naming the file. */
export function gunzipBounded(bytes: Uint8Array, file: string, cap: number): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: Math.max(1, cap) });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === 'ERR_BUFFER_TOO_LARGE') {
      const bound = cap >= limit('maxDecompressedBytes') ? `; ${raiseHint('maxDecompressedBytes')}` : '';
      throw new FlowsegInputError(
        `${file}: gzip data inflates to more than ${cap.toLocaleString('en-US')} bytes${bound} — a decompression bomb, ` +
          'or more data than its header says; re-export it',
      );
    }
    throw new FlowsegInputError(`${file}: cannot gunzip (${err.message ?? String(e)}); the file is corrupt or truncated, re-export it`);
  }
}
